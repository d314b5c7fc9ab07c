#!/usr/bin/python3
"""Write the MRC test fixtures with mrcfile, and what mrcfile reads from them.

Usage (from anywhere): python3 testdata/mrc/gen.py

Deterministic: fixed values and a fixed label (mrcfile's own label carries
the time, so it is replaced). manifest.json lists, for each good file, the
dtype (numpy's dtype.str), shape, voxel size, header fields and the values
flattened in C order (floats as repr strings, complex as [re, im]); and for
each bad file the error expected ("format" or "unsupported").
"""

import json
import os
import struct
import warnings

import mrcfile
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
warnings.simplefilter("ignore")


def enc(v):
    if np.iscomplexobj(v):
        return [repr(float(v.real)), repr(float(v.imag))]
    if v.dtype.kind == "f":
        return repr(float(v))
    return int(v)


def new(name, data, voxel=None, stack=False, ext=None, exttyp=None, origin=None, start=None):
    path = os.path.join(HERE, name)
    with mrcfile.new(path, overwrite=True) as m:
        m.set_data(data)
        if stack:
            m.set_image_stack()
        if voxel is not None:
            m.voxel_size = voxel
        if ext is not None:
            m.set_extended_header(ext)
            m.header.exttyp = exttyp
        if origin is not None:
            m.header.origin = origin
        if start is not None:
            m.nstart = start
        m.header.label[0] = "ndmap test fixture"
        m.update_header_stats()
    return name


def describe(name):
    with mrcfile.open(os.path.join(HERE, name)) as m:
        d = m.data
        h = m.header
        return {
            "file": name,
            "dtype": d.dtype.str,
            "shape": list(d.shape),
            "offset": 1024 + int(h.nsymbt),
            "mode": int(h.mode),
            "ispg": int(h.ispg),
            "nsymbt": int(h.nsymbt),
            "exttyp": bytes(h.exttyp).rstrip(b"\0 ").decode("latin1"),
            "voxel_size": [repr(float(x)) for x in m.voxel_size.item()],
            "origin": [repr(float(x)) for x in h.origin.item()],
            "nstart": [int(x) for x in m.nstart.item()],
            "stats": [repr(float(x)) for x in (h.dmin, h.dmax, h.dmean, h.rms)],
            "labels": m.get_labels(),
            "values": [enc(v) for v in d.ravel()],
        }


def main():
    good = []
    a = np.arange(60, dtype=np.int8).reshape(3, 4, 5) - 30
    good.append(new("int8_volume.mrc", a, voxel=(1.5, 2.0, 2.5)))
    good.append(new("int16_image.mrc", (np.arange(20, dtype=np.int16).reshape(4, 5) * -300)))
    f = (np.arange(3 * 4 * 6, dtype=np.float32).reshape(3, 4, 6) / 7).astype(np.float32)
    good.append(new("float32_stack.mrcs", f, voxel=0.8, stack=True, origin=(1.0, 2.0, 3.0), start=(-2, -3, 0)))
    c = (np.arange(12, dtype=np.float32) + 1j * np.arange(12, 0, -1, dtype=np.float32)).astype(np.complex64).reshape(3, 4)
    good.append(new("complex64_image.mrc", c))
    good.append(new("uint16_volume.mrc", (np.arange(2 * 3 * 4, dtype=np.uint16) * 2000).reshape(2, 3, 4)))
    good.append(new("float16_volume.mrc", (np.arange(24, dtype=np.float16) / 4).reshape(2, 3, 4)))
    good.append(new("float32_big_endian.mrc", (np.arange(24, dtype=np.float32) - 11.5).astype(">f4").reshape(2, 3, 4)))
    good.append(new("int16_volume_stack.mrc", np.arange(2 * 3 * 4 * 5, dtype=np.int16).reshape(2, 3, 4, 5)))
    ext = np.frombuffer(bytes(range(256)) * 2, dtype="V1")
    good.append(new("float32_exthdr.mrc", np.ones((2, 3, 4), dtype=np.float32), ext=ext, exttyp=b"MRCO"))

    bad = []

    def patch(src, dst, off, fmt, value, kind="format"):
        b = bytearray(open(os.path.join(HERE, src), "rb").read())
        struct.pack_into(fmt, b, off, value)
        open(os.path.join(HERE, dst), "wb").write(bytes(b))
        bad.append({"file": dst, "error": kind})

    patch("int16_image.mrc", "bad_mode3.mrc", 12, "<i", 3, "unsupported")
    patch("int16_image.mrc", "bad_mode101.mrc", 12, "<i", 101, "unsupported")
    patch("int16_image.mrc", "bad_mode7.mrc", 12, "<i", 7)
    patch("int16_image.mrc", "bad_map.mrc", 208, "4s", b"PAM ")
    patch("int16_image.mrc", "bad_nx.mrc", 0, "<i", -5)
    patch("int16_image.mrc", "bad_nsymbt.mrc", 92, "<i", 1 << 30)
    patch("int16_image.mrc", "bad_short.mrc", 0, "<i", 6)
    patch("int16_volume_stack.mrc", "bad_mz.mrc", 36, "<i", 4)
    open(os.path.join(HERE, "bad_truncated.mrc"), "wb").write(open(os.path.join(HERE, "int16_image.mrc"), "rb").read()[:1000])
    bad.append({"file": "bad_truncated.mrc", "error": "format"})

    manifest = {"good": [describe(n) for n in good], "bad": bad}
    with open(os.path.join(HERE, "manifest.json"), "w") as out:
        json.dump(manifest, out, indent=1, sort_keys=True)
        out.write("\n")


main()
