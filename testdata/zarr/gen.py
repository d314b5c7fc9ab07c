#!/usr/bin/python3
"""Write the Zarr v2 fixtures of package dataset with real zarr-python 2, and what it reads back.

Usage (from the repository root or from testdata/zarr/):

    python3 testdata/zarr/gen.py

Needs NumPy and zarr-python 2 (Debian's python3-zarr, 2.13). The values are fixed, so running
it twice gives the same chunks; zarr writes its JSON with sorted keys. It writes

    stores/*.zarr   directory stores, one per case below
    manifest.json   one entry per array: "path" (relative to this folder), "dtype" (zarr's
                    dtype string), "shape", "chunks", "order", "compressor" (codec id or null),
                    "separator", "attrs", and either "values" (flattened in C order: numbers as
                    JSON numbers, floats as repr(float(x)) strings so that nan and inf survive,
                    complex as [re, im] of such strings, bools as true/false) or "error" (the
                    codec or feature a reader must refuse, named in its error message).
"""

import json
import os
import shutil
import sys

import numpy as np
import zarr
from numcodecs import GZip, Zlib, Blosc, Zstd, LZ4, Delta

here = os.path.dirname(os.path.abspath(__file__))
stores = os.path.join(here, "stores")


def encode(a):
    out = []
    for x in a.ravel(order="C").tolist():
        if isinstance(x, bool):
            out.append(x)
        elif isinstance(x, float):
            out.append(repr(x))
        elif isinstance(x, complex):
            out.append([repr(x.real), repr(x.imag)])
        else:
            out.append(int(x))
    return out


entries = []


def record(path, z, error=None):
    e = {
        "path": os.path.relpath(path, here).replace(os.sep, "/"),
        "dtype": z.dtype.str,
        "shape": list(z.shape),
        "chunks": list(z.chunks),
        "order": z.order,
        "compressor": z.compressor.codec_id if z.compressor is not None else None,
        "separator": z._dimension_separator or ".",
        "attrs": dict(z.attrs),
    }
    if error:
        e["error"] = error
    else:
        e["values"] = encode(z[...])
    entries.append(e)


def make(name, data, chunks, compressor=None, order="C", sep=None, fill=0, attrs=None,
         dtype=None, write=None, filters=None, error=None):
    path = os.path.join(stores, name)
    kw = {}
    if sep is not None:
        kw["dimension_separator"] = sep
    z = zarr.open(path, mode="w", shape=data.shape, chunks=chunks, dtype=dtype or data.dtype,
                  compressor=compressor, order=order, fill_value=fill, filters=filters, **kw)
    if write is None:
        z[...] = data
    else:
        for sel in write:
            z[sel] = data[sel]
    if attrs:
        z.attrs.update(attrs)
    if isinstance(compressor, GZip):
        zero_gzip_mtime(path)
    record(path, z, error)


def zero_gzip_mtime(path):
    """Clear the time the gzip header records, so that the chunks are the same on every run."""
    for name in os.listdir(path):
        if name.startswith("."):
            continue
        with open(os.path.join(path, name), "r+b") as f:
            f.seek(4)
            f.write(bytes(4))


def main():
    shutil.rmtree(stores, ignore_errors=True)
    os.makedirs(stores)

    a57 = np.arange(35, dtype="<f4").reshape(5, 7) / 4
    # Uncompressed chunks, edge chunks on both axes.
    make("null_c.zarr", a57, (2, 3), attrs={"units": "mV", "scale": 0.5})
    # Fortran order inside each chunk.
    make("null_f.zarr", np.arange(35, dtype="<i2").reshape(5, 7) - 17, (2, 3), order="F")
    # Chunks in nested directories ("/").
    make("nested.zarr", np.arange(120, dtype="<f8").reshape(4, 5, 6) * 1.5, (2, 2, 4), sep="/")
    # Deflated chunks.
    make("zlib.zarr", np.arange(30, dtype="<i4").reshape(10, 3) * 1000 - 7, (4, 3), compressor=Zlib(level=5))
    make("gzip.zarr", np.linspace(-1, 1, 10).astype(">f8"), (3,), compressor=GZip(level=6))
    make("zlib_f.zarr", (np.arange(24, dtype="<u4") * 7).reshape(2, 3, 4), (2, 2, 3), compressor=Zlib(level=1), order="F")
    # Missing chunks read as fill_value.
    m = np.arange(24, dtype="<f4").reshape(6, 4)
    make("missing_nan.zarr", m, (2, 2), fill=np.nan, write=[np.s_[0:2, 0:2], np.s_[4:6, 2:4]])
    make("missing_int.zarr", np.arange(10, dtype="<u2"), (3,), fill=7, write=[np.s_[3:6]])
    make("missing_zlib.zarr", np.arange(10, dtype="<i8") - 3, (4,), compressor=Zlib(), fill=-1, write=[np.s_[4:8]])
    # Other dtypes.
    make("bool.zarr", np.array([True, False, True, True, False]), (2,))
    make("c8.zarr", (np.arange(6) + 1j * np.arange(6)[::-1]).astype("<c8"), (4,))
    make("be_i4.zarr", np.arange(9, dtype=">i4").reshape(3, 3) - 4, (2, 2))
    make("scalar.zarr", np.array(2.5), ())
    # A group of arrays and a nested group, with attributes.
    g = zarr.open_group(os.path.join(stores, "group.zarr"), mode="w")
    g.attrs["title"] = "run 7"
    x = g.create_dataset("x", data=np.arange(8, dtype="<i8"), chunks=(3,), compressor=None)
    x.attrs["kind"] = "index"
    sub = g.create_group("sub")
    sub.attrs["level"] = 2
    y = sub.create_dataset("y", data=np.ones((3, 2), dtype="<f8"), chunks=(2, 2), compressor=Zlib(level=3))
    record(os.path.join(stores, "group.zarr", "x"), x)
    record(os.path.join(stores, "group.zarr", "sub", "y"), y)
    # Codecs and features a reader must refuse, naming them.
    make("blosc.zarr", np.arange(10, dtype="<f4"), (5,), compressor=Blosc(cname="lz4", clevel=5), error="blosc")
    make("zstd.zarr", np.arange(10, dtype="<f4"), (5,), compressor=Zstd(level=1), error="zstd")
    make("lz4.zarr", np.arange(10, dtype="<f4"), (5,), compressor=LZ4(), error="lz4")
    make("delta.zarr", np.arange(10, dtype="<i4"), (5,), filters=[Delta(dtype="<i4")], error="delta")

    with open(os.path.join(here, "manifest.json"), "w") as f:
        # One array a line keeps the file small and its diffs readable.
        f.write('{"zarr": %s, "arrays": [\n' % json.dumps(zarr.__version__))
        f.write(",\n".join(json.dumps(e, sort_keys=True) for e in entries))
        f.write("\n]}\n")


if __name__ == "__main__":
    sys.exit(main())
