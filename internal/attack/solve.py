"""HiGHS (through SciPy) for kensho's independent attacker.

Reads one JSON programme on stdin and writes the bounds of every objective
on stdout. The programme: n variables with bounds lb/ub (null = infinite)
and integrality, rows lo <= a.x <= hi, and scenarios, each raising some
lower bounds (an operator's own accidents) and listing objectives (sparse
vectors) to minimise and maximise. With "integer" the integer programme is
solved and the solver's dual bound is reported, which is a valid bound
even when the time limit stops the search.
"""
import json
import math
import sys

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

INF = float("inf")


def num(x, default):
    return default if x is None else float(x)


def finite(v):
    # A bound at infinity bounds nothing (a dual bound before the root is
    # solved): the side stays open, as a failed solve's does. JSON has no
    # infinity, and Go's decoder rejects Python's "Infinity".
    return v if v is not None and math.isfinite(v) else None


def main():
    req = json.load(sys.stdin)
    n = req["n"]
    rows = req["rows"]
    data, ind, ptr, lo, hi = [], [], [0], [], []
    for r in rows:
        ind.extend(r["i"])
        data.extend(r["a"])
        ptr.append(len(ind))
        lo.append(num(r.get("lo"), -INF))
        hi.append(num(r.get("hi"), INF))
    A = csr_matrix((data, ind, ptr), shape=(len(rows), n))
    cons = [LinearConstraint(A, np.array(lo), np.array(hi))] if rows else []
    lb0 = np.array([num(x, -INF) for x in req["lb"]])
    ub0 = np.array([num(x, INF) for x in req["ub"]])
    integer = req.get("integer", False)
    integrality = np.array(req["integrality"], dtype=int) if integer else np.zeros(n, dtype=int)
    opts = {"presolve": True, "disp": False}
    if integer:
        opts["time_limit"] = float(req.get("time_limit", 60))
        opts["mip_rel_gap"] = 0.0
    out = []
    for sc in req["scenarios"]:
        lb = lb0.copy()
        for i, v in zip(sc.get("raise_i", []), sc.get("raise_v", [])):
            lb[i] = max(lb[i], v)
            if lb[i] > ub0[i]:
                lb[i] = ub0[i]
        res = []
        for obj in sc["objectives"]:
            c = np.zeros(n)
            c[obj["i"]] = obj["a"]
            pair = []
            for sign in (1.0, -1.0):
                r = milp(sign * c, constraints=cons, integrality=integrality,
                         bounds=Bounds(lb, ub0), options=opts)
                if r.status not in (0, 1):
                    # A numerical failure: once more without presolve.
                    r = milp(sign * c, constraints=cons, integrality=integrality,
                             bounds=Bounds(lb, ub0), options=dict(opts, presolve=False))
                if r.status == 0 and not integer:
                    pair.append(finite(sign * r.fun))
                elif r.status in (0, 1) and integer and getattr(r, "mip_dual_bound", None) is not None:
                    # The dual bound is a valid bound whether or not the
                    # search finished (infinite when it stopped before the
                    # root was solved: open).
                    pair.append(finite(sign * r.mip_dual_bound))
                elif r.status == 0:
                    pair.append(finite(sign * r.fun))
                else:
                    # No bound: the reader learns nothing the attacker can
                    # vouch for, so the side stays open (counted by Go).
                    pair.append(None)
                    sys.stderr.write("objective %d: status %d %s\n" % (len(res), r.status, r.message))
            res.append(pair)
        out.append(res)
    json.dump({"scenarios": out}, sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main()
