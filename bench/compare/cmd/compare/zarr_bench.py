"""Dask's and NumPy's side of the Zarr sum row of the ndmap comparison.

Run by the compare command as: python3 zarr_bench.py WORKLOAD, with the
arguments as a JSON object on standard input. It prints one JSON object:
"ns" holds one time per timed round, "check" the last sum, and "version"
the versions used; or "missing" naming a module that is not installed, so
that the row is skipped.
"""

import json
import sys
import time


def rounds(args, fn):
    # One untimed round first: imports, the thread pool and Python's own
    # warm-up are not part of the sum.
    out = []
    check = 0.0
    for r in range(args["rounds"] + 1):
        t = time.perf_counter_ns()
        check = fn()
        d = time.perf_counter_ns() - t
        if r > 0:
            out.append(d)
    return {"ns": out, "check": check}


def w_dask_sum(args):
    try:
        import dask
        import dask.array as da
        import zarr
    except ImportError as e:
        return {"missing": e.name or str(e)}
    workers = args.get("workers", 0) or None

    def fn():
        # The store is opened in every round, as a program reading it once
        # would: opening reads only .zarray.
        x = da.from_zarr(args["path"])
        return float(x.sum().compute(scheduler="threads", num_workers=workers))

    res = rounds(args, fn)
    res["version"] = "dask %s, zarr %s" % (dask.__version__, zarr.__version__)
    return res


def w_numpy_sum(args):
    import numpy as np

    a = np.load(args["path"], mmap_mode="r")
    res = rounds(args, lambda: float(a.sum()))
    res["version"] = "NumPy %s" % np.__version__
    return res


WORKLOADS = {
    "dask_sum": w_dask_sum,
    "numpy_sum": w_numpy_sum,
}

if __name__ == "__main__":
    args = json.load(sys.stdin)
    json.dump(WORKLOADS[sys.argv[1]](args), sys.stdout)
    sys.stdout.write("\n")
