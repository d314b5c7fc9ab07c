#!/usr/bin/python3
"""Write NumPy's float16 conversions, for layout's Float16 tests.

Run from anywhere with the system NumPy (1.24):

    python3 testdata/float16/gen.py

All files are little-endian and written next to this script:

    to32.bin    65536 uint32: the float32 bits of every float16 bit pattern, in order
    to64.bin    65536 uint64: the float64 bits of every float16 bit pattern, in order
    from32.bin  records (uint32 float32 bits, uint16 float16 bits): NumPy's
                float32 -> float16 rounding
    from64.bin  records (uint64 float64 bits, uint16 float16 bits): NumPy's
                float64 -> float16 rounding

The inputs of from32.bin and from64.bin hit every rounding boundary of
the positive halves: for each pair of adjacent halves (subnormals included,
and the largest finite half with the value 65536 a next half would have)
the midpoint and the values 1 ulp of the input format either side; then
zero, the extremes of the input format, the subnormal range below the
smallest half, infinities, NaNs with payloads, and a few negative values.
from64.bin holds the +-1 ulp neighbours for every 8th pair only, to keep
the files small. The output is deterministic.
"""
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
h = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16)
with np.errstate(invalid="ignore"):
    h.astype(np.float32).view("<u4").tofile(os.path.join(here, "to32.bin"))
    h.astype(np.float64).view("<u8").tofile(os.path.join(here, "to64.bin"))

# Positive finite halves and the value after the largest one.
pos = np.arange(0x7C00, dtype=np.uint16).view(np.float16).astype(np.float64)
upper = np.append(pos[1:], 65536.0)
mid = (pos + upper) / 2  # exact in float32 and float64: 12 significant bits


def special(ftype, utype):
    info = np.finfo(ftype)
    tiny_half = 2.0 ** -24
    vals = [0.0, -0.0, info.tiny, info.smallest_subnormal, info.max, tiny_half / 4,
            tiny_half / 2, tiny_half * 0.75, 65504.0, 65519.0, 65520.0, 65535.0, 1e10,
            -1.0, -65520.0, -tiny_half / 2, -0.5, -1e-8, -3.0 * tiny_half / 2]
    arr = np.array(vals, dtype=ftype)
    bits = arr.view(utype)
    mant = 23 if ftype == np.float32 else 52
    expmask = (1 << (8 if ftype == np.float32 else 11)) - 1
    inf = utype(expmask << mant)
    sign = utype(1) << utype(mant + (8 if ftype == np.float32 else 11))
    quiet = utype(1) << utype(mant - 1)
    nans = [inf, inf | sign, inf | quiet, inf | quiet | sign, inf | utype(1),
            inf | utype(1) | sign, inf | (utype(1) << utype(mant - 10)),
            inf | (utype(1) << utype(mant - 11)), inf | (utype(0x155) << utype(mant - 10)),
            inf | quiet | utype(0x1234)]
    return np.concatenate([bits, np.array(nans, dtype=utype)])


def inputs(ftype, utype, every):
    m = mid.astype(ftype)
    assert np.all(m.astype(np.float64) == mid)
    bits = m.view(utype)
    sel = bits[::every]
    near = np.concatenate([sel - utype(1), sel + utype(1)])
    near = near[near.view(ftype) > 0]
    return np.concatenate([bits, near, special(ftype, utype)])


def write(name, ftype, utype, every):
    x = inputs(ftype, utype, every)
    with np.errstate(invalid="ignore", over="ignore"):
        out = x.view(ftype).astype(np.float16).view(np.uint16)
    rec = np.empty(len(x), dtype=[("in", "<u%d" % np.dtype(utype).itemsize), ("out", "<u2")])
    rec["in"] = x
    rec["out"] = out
    rec.tofile(os.path.join(here, name))


write("from32.bin", np.float32, np.uint32, 1)
write("from64.bin", np.float64, np.uint64, 8)
