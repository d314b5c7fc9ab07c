"""NumPy's side of the archive and bounded-memory fill workloads.

Run by the compare command as: python3 api_bench.py WORKLOAD, with the
arguments as a JSON object on standard input, printing one JSON object as
numpy_bench.py does.
"""

import json
import os
import sys
import time

import numpy as np


def peak_rss():
    # VmHWM: the peak RSS of this process since it was exec'd, in bytes.
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return -1


def w_members(args):
    # Every member of an archive read into memory, the way a user reads
    # them all: for k in z.files: z[k].
    out = []
    check = 0.0
    for _ in range(args["rounds"]):
        t = time.perf_counter_ns()
        with np.load(args["path"]) as z:
            n = 0
            for k in z.files:
                a = z[k]
                n += a.size
        out.append(time.perf_counter_ns() - t)
        check = float(n)
    return {"ns": out, "check": check}


def w_fill(args):
    # A file as big as asked, made with open_memmap and filled a block of
    # rows at a time, flushed once at the end: NumPy's documented way.
    from numpy.lib.format import open_memmap

    rows, cols, block = args["rows"], args["cols"], args["block"]
    t = time.perf_counter_ns()
    a = open_memmap(args["path"], mode="w+", dtype="<f4", shape=(rows, cols))
    for i in range(0, rows, block):
        j = min(i + block, rows)
        a[i:j] = np.arange(i, j, dtype="<f4")[:, None]
    a.flush()
    del a
    ns = time.perf_counter_ns() - t
    return {"ns": [ns], "hwm": peak_rss()}


WORKLOADS = {"members": w_members, "fill": w_fill}

if __name__ == "__main__":
    args = json.load(sys.stdin)
    json.dump(WORKLOADS[sys.argv[1]](args), sys.stdout)
