"""NumPy's side of the ndmap comparison.

Run by the compare command as: python3 numpy_bench.py WORKLOAD, with the
arguments as a JSON object on standard input.
It times the workload in-process with time.perf_counter_ns and prints one
JSON object: "ns" holds one time per round (per operation, as the workload
defines it), "cpu", where a workload gives it, the CPU time of the thread
in each round, and "check" a value the Go side compares with its own.
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


def total(buf):
    # Exact for the small integers the files hold, whatever the dtype.
    if buf.dtype.kind == "f":
        return float(buf.sum(dtype=np.float64))
    return int(buf.sum())


def w_version(args):
    return {"version": np.__version__}


def w_open(args):
    # Open (and drop) the memmap of each file many times per round.
    out = []
    for _ in range(args["rounds"]):
        t = time.perf_counter_ns()
        for _ in range(args["iters"]):
            a = np.load(args["path"], mmap_mode="r")
            del a
        out.append((time.perf_counter_ns() - t) / args["iters"])
    return {"ns": out}


def w_view(args):
    a = np.load(args["path"], mmap_mode="r")
    idx = args["frames"]
    out = []
    for _ in range(args["rounds"]):
        t = time.perf_counter_ns()
        for i in idx:
            v = a[i]
        out.append((time.perf_counter_ns() - t) / len(idx))
    return {"ns": out, "check": int(v.shape[0])}


def copy_frames(a, idx, buf):
    s = 0.0
    t = time.perf_counter_ns()
    for i in idx:
        np.copyto(buf, a[i])
        s += float(buf[0, 0])
    return (time.perf_counter_ns() - t) / len(idx), s


def w_frames(args):
    # Random frames copied out into one buffer. Warm: one mapping, and the
    # first round (which maps the pages) is not counted. Cold: the file is
    # evicted from the page cache, with no mapping of it left, before each
    # round.
    out = []
    check = 0.0
    a = None
    for r, idx in enumerate(args["rounds"]):
        if args["cold"]:
            a = None
            evict(args["path"])
        if a is None:
            a = np.load(args["path"], mmap_mode="r")
            buf = np.empty(a.shape[1:], dtype=a.dtype)
        ns, check = copy_frames(a, idx, buf)
        if r > 0 or args["cold"]:
            out.append(ns)
    return {"ns": out, "check": check}


def w_column(args):
    a = np.load(args["path"], mmap_mode="r")
    buf = np.empty(a.shape[0], dtype=a.dtype)
    out, cpu = [], []
    for r in range(args["rounds"] + 1):
        c = time.thread_time_ns()
        t = time.perf_counter_ns()
        np.copyto(buf, a[:, args["column"]])
        if r > 0:
            out.append(time.perf_counter_ns() - t)
            cpu.append(time.thread_time_ns() - c)
    return {"ns": out, "cpu": cpu, "check": total(buf)}


def w_sum(args):
    a = np.load(args["path"], mmap_mode="r")
    out, cpu = [], []
    for r in range(args["rounds"] + 1):
        c = time.thread_time_ns()
        t = time.perf_counter_ns()
        s = float(a.sum())
        if r > 0:
            out.append(time.perf_counter_ns() - t)
            cpu.append(time.thread_time_ns() - c)
    return {"ns": out, "cpu": cpu, "check": s}


def w_field(args):
    a = np.load(args["path"], mmap_mode="r")
    if "descr" in args:
        # The same bytes seen through another dtype: a big-endian one, to
        # time NumPy's byte-swapping copy.
        a = a.view(np.dtype([tuple(f) for f in args["descr"]]))
    f = a[args["field"]]
    buf = np.empty(f.shape, dtype=f.dtype.newbyteorder("="))
    out, cpu = [], []
    for r in range(args["rounds"] + 1):
        c = time.thread_time_ns()
        t = time.perf_counter_ns()
        np.copyto(buf, a[args["field"]])
        if r > 0:
            out.append(time.perf_counter_ns() - t)
            cpu.append(time.thread_time_ns() - c)
    return {"ns": out, "cpu": cpu, "check": total(buf)}


def w_rss(args):
    # Read random frames of a file bigger than RAM and report this process's
    # own peak RSS (a vforked child's rusage would carry its parent's).
    a = np.load(args["path"], mmap_mode="r")
    buf = np.empty(a.shape[1:], dtype=a.dtype)
    t = time.perf_counter_ns()
    for i in args["frames"]:
        np.copyto(buf, a[i])
    n = max(len(args["frames"]), 1)
    return {"ns": [(time.perf_counter_ns() - t) / n], "hwm": peak_rss()}


def peak_rss():
    # VmHWM: the peak RSS of this process since it was exec'd, in bytes.
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return -1


def w_create(args):
    # What open_memmap does for a new file: map it, fill it frame by frame,
    # flush (msync), and let it go. Each round writes the file afresh.
    from numpy.lib.format import open_memmap

    out = []
    check = 0.0
    for r in range(args["rounds"]):
        if os.path.exists(args["path"]):
            os.remove(args["path"])
        t = time.perf_counter_ns()
        a = open_memmap(args["path"], mode="w+", dtype="<f4", shape=(args["frames"], 256, 256))
        for k in range(args["frames"]):
            a[k] = k
        a.flush()
        del a
        out.append(time.perf_counter_ns() - t)
        b = np.load(args["path"], mmap_mode="r")
        check = float(b[:, 0, 0].astype(np.float64).sum())
        del b
    os.remove(args["path"])
    return {"ns": out, "check": check}


WORKLOADS = {
    "version": w_version,
    "open": w_open,
    "view": w_view,
    "frames": w_frames,
    "column": w_column,
    "sum": w_sum,
    "field": w_field,
    "rss": w_rss,
    "create": w_create,
}

if __name__ == "__main__":
    args = json.load(sys.stdin)
    json.dump(WORKLOADS[sys.argv[1]](args), sys.stdout)
    sys.stdout.write("\n")
