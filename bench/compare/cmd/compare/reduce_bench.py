"""NumPy's side of the reduction rows of the ndmap comparison.

Run by the compare command as: python3 reduce_bench.py WORKLOAD, with the
arguments as a JSON object on standard input. It prints one JSON object:
"ns" holds one time per round, "check" a value the Go side compares with
its own, and "hwm" the peak RSS of this process (VmHWM), in bytes.
"""

import json
import os
import sys
import time

import numpy as np


def evict(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def peak_rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return -1


def warm(args, fn):
    # One untimed round maps the pages; the timed rounds follow.
    out = []
    check = 0.0
    for r in range(args["rounds"] + 1):
        t = time.perf_counter_ns()
        check = fn()
        d = time.perf_counter_ns() - t
        if r > 0:
            out.append(d)
    return {"ns": out, "check": check, "hwm": peak_rss()}


def w_version(args):
    return {"version": np.__version__}


def w_sum(args):
    a = np.load(args["path"], mmap_mode="r")
    return warm(args, lambda: float(a.sum()))


def w_cold_mean(args):
    # Each round maps the file afresh after evicting it, as the Go side does.
    out = []
    check = 0.0
    for _ in range(args["rounds"]):
        evict(args["path"])
        t = time.perf_counter_ns()
        a = np.load(args["path"], mmap_mode="r")
        check = float(a.mean())
        del a
        out.append(time.perf_counter_ns() - t)
    return {"ns": out, "check": check, "hwm": peak_rss()}


def w_channels(args):
    a = np.load(args["path"], mmap_mode="r")

    def fn():
        m = a.mean(axis=0)
        s = a.std(axis=0)
        return float(m[0] + s[0])

    return warm(args, fn)


def w_frame(args):
    a = np.load(args["path"], mmap_mode="r")
    return warm(args, lambda: float(a.mean(axis=0)[0, 0]))


WORKLOADS = {
    "version": w_version,
    "sum": w_sum,
    "cold_mean": w_cold_mean,
    "channels": w_channels,
    "frame": w_frame,
}

if __name__ == "__main__":
    args = json.load(sys.stdin)
    json.dump(WORKLOADS[sys.argv[1]](args), sys.stdout)
    sys.stdout.write("\n")
