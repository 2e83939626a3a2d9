// Package anonymize is kensho's disclosure control: every number and record
// the site publishes passes through it, and nothing leaves it that names an
// operator or lets a reader tell which operator a figure came from.
//
// The unit protected is the operator, not the accident. The attacker designed
// against is a competing operator who knows its own figures in every cell,
// and anyone who matches records against operators' public outage notices by
// date, region, service, duration and user counts. Sources: the ESSnet
// Handbook on Statistical Disclosure Control (chapters 4 and 5), τ-ARGUS,
// Statistics Norway's GaussSuppression, the risk measures of sdcMicro and
// ARX, and the FCC's rule that shared outage data be aggregated across
// several providers.
//
// The stage runs in four steps, each a function the pipeline calls:
//
//  1. Deidentify builds deid_accident from accident: names, registration
//     numbers, contacts, partner operators, site locations, vendor models and
//     free texts are dropped; the operator becomes an internal op_key that
//     never leaves the restricted database; values are generalized along
//     fixed hierarchies (quarter, bureau area / 複数地域 / 全国, the bands of
//     the spec, service category, cause group, equipment class). A 災害名
//     becomes the code of the named disaster it matches
//     (codes/disasters.csv), or "other"; the typed text is never kept.
//  2. Protect decides the status of every table cell (primary rules per
//     operator, then secondary suppression over all tables and years
//     together), builds the record-level microdata (global generalization,
//     then local suppression with "*", then dropped records), and runs the
//     independent audit. It fails closed: an error means nothing may be
//     published.
//  3. Publish scans every published string for the identifiers held in the
//     restricted database and only then writes the release database, with
//     one atomic rename.
//  4. LoadRelease and ExportMicrodata read the release database for the site.
//
// # The attacker model
//
// Every additive cell is a sum of one magnitude (accidents, affected users,
// user-hours) over the accidents that satisfy a conjunction of conditions
// (the table's filter and the row's keys), so cells of all tables are linked
// by linear equations. Both the suppression and the audit reason over the same
// model, implemented twice and independently (protect*.go and audit*.go):
//
//   - A cell is the set of conditions dim=value; identical sets in different
//     tables are one cell. A value implied by another (a cause implies its
//     cause group) is dropped from the set.
//   - Additivity: a cell equals the sum of its children along one dimension
//     (all values of that dimension's code list or of the data), when the
//     parent cell is published anywhere; a cell with a condition on a coarse
//     dimension (cause_group, eu_root_cause, service_category,
//     equipment_class, criteria_era) equals the sum of the cells of the finer
//     values it groups. Children that no table shows are hidden unknowns
//     (x ≥ 0), except that rows a table leaves out while its rows add up to
//     its margin are read as published zeros.
//   - The attacker knows every published cell, every hidden and suppressed
//     cell is ≥ 0, and the microdata bounds every cell that can be expressed
//     in its published fields (exact matches from below; possible matches,
//     "*" values and withheld records from above; band limits for users and
//     user-hours).
//   - An insider operator also knows its own contribution to every cell, and
//     its own records in the microdata.
//
// A suppressed cell passes when its interval [min, max] meets its protection
// level on both sides (primary cells) or is not a single point (secondary
// cells), for the outsider and for every operator that contributes to an
// unknown cell of its linked component. Known limits of the model: the
// equations are between cells (the τ-ARGUS linked-table model), so
// higher-order consistency of a full cross-classification is not used (a
// test attacks the published tables with the full cross-classification and
// finds nothing more); the third_party flag is treated as its own dimension,
// not as a function of cause and other_operator_origin.
//
// # Secondary suppression
//
// Rounds, until every suppressed cell passes: first every equation left
// with a single unknown cell is solved (repeatedly, as far as it goes); a
// suppressed cell solved this way gets a partner from that equation. Then,
// per linked component of unknown cells, a simplex tableau (Phase I once,
// every bound from the last basis, each pursued only until it meets the
// protection) checks each cell; a cell the equations determine gets a
// partner among the published cells its Gaussian-elimination derivation
// uses (GaussSuppression's reasoning); a cell short of its protection gets
// one from its equations. Partners are chosen by, in order: not a national
// or yearly total, enough value, opening as few new equations as possible
// (τ-ARGUS's hypercube idea), an inner cell rather than a margin, the
// smallest value. Insiders are checked last, reusing the outsider's basis
// when their bounds keep it feasible. Suppressing more only widens
// intervals, so a cell that passed stays passed.
//
// Once the microdata exists every component is checked again with its
// bounds, and a shortfall they cause is repaired by withholding records
// first. The microdata tells how many records each fiscal year holds
// (released plus withheld), so a cell holding nearly all of a year's
// accidents cannot be hidden by any suppression when it fails the primary
// rules (a year that has just begun, reported by one operator so far):
// Protect then refuses with a CappedError naming the year, and nothing is
// published.
//
// # Audit
//
// The audit (audit*.go) recomputes every cell and contribution from
// deid_accident, rebuilds the model, and bounds every primary suppressed cell
// with its own simplex up to twice its protection; a bound that runs to
// optimality is re-solved by gonum's lp.Simplex from the optimal basis (the
// risk report counts any disagreement), a bound reached earlier is checked
// as a feasible point of every equation. Ratios are reported exactly below
// 2 and as 2 ("at least") above.
//
// # Configuration
//
// Parameters live in a JSON file (see testdata/config.example.json); a key
// left out keeps its default and an unknown key is an error. The defaults,
// annotated here (JSON itself has no comments):
//
//	{
//	  "min_operators": 3,       // distinct operators a non-zero cell needs; never below 3
//	  "p": 10,                  // p%-rule: unsafe if X − x1 − x2 < p/100 · x1
//	  "dominance": [],          // optional (n,k) rules, e.g. [{"n": 1, "k": 85}]
//	  "protection_level": 10,   // % of a cell's value its interval must reach when it has too few operators
//	  "microdata": {
//	    "max_share": 0.5,       // largest operator's share of records in a class; never above 0.5
//	    "max_starred_pct": 5,   // records that may carry a locally suppressed value (%)
//	    "max_dropped_pct": 2    // records that may be withheld (%)
//	  }
//	}
//
// This package must never write an operator's name, registration number,
// contact, free text or op_key anywhere but the restricted database, and must
// never write the release database when a check fails.
package anonymize
