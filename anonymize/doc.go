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
//  2. Protect decides the status of every table cell and every class of
//     the microdata extracts on one model of everything published
//     (sdc/model), with the rules of sdc/rules: primary suppression, then
//     secondary suppression until every hidden figure is protected against
//     a reader outside and against every operator (sdc/protect); then the
//     audit bounds every hidden figure again on a programme it builds
//     itself from the final pattern (sdc/audit). It fails closed: an error
//     means nothing may be published.
//  3. Publish scans every published string for the identifiers held in the
//     restricted database and only then writes the release database, with
//     one atomic rename.
//  4. LoadRelease and ExportExtracts read the release database for the site.
//
// # The model
//
// docs/disclosure-model.md is the specification: what is published, what
// every reader and every operator knows (the code lists and every
// structural zero they imply, the public facts, the rules themselves,
// whole numbers and at least one accident per contributing operator), the
// rules a figure must pass, and how protection and the audit decide. In
// short: per fiscal year, the unknowns are the counts (and users and
// user-hours) of the atoms of a junction tree over every published
// dimension, generated from the table definitions, the extracts and the
// code lists; every published figure is a row; the audit reports, for
// every hidden figure, the interval whole points (witnesses) reach, up to
// twice its protection. An independent attacker in internal/attack, which
// imports none of this, solves the same question from the published files
// alone with another solver.
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
//	  "microdata": {            // the extracts' classes pass the same rules as table cells
//	    "max_share": 0.5,       // not used (read so that older files load)
//	    "max_starred_pct": 5,   // not used (read so that older files load)
//	    "max_dropped_pct": 2    // % of an extract's records it should withhold at most: the
//	  }                         // build says when the rules make one withhold more
//	}
//
// This package must never write an operator's name, registration number,
// contact, free text or op_key anywhere but the restricted database, and must
// never write the release database when a check fails.
package anonymize
