#!/usr/bin/python3
"""Write the FITS test fixtures with astropy, and what astropy reads from them.

Usage (from anywhere): python3 testdata/fits/gen.py

Deterministic: fixed values and no DATE cards. manifest.json lists, for each
good file, its HDUs as astropy sees them (index, name, version, type), and
for each image HDU the data offset (fileinfo datLoc), the stored dtype and
shape (do_not_scale_image_data=True), BSCALE and BZERO, the dtype astropy
gives the scaled data, the stored values flattened in C order, the scaled
values, and the WCS cards CTYPE1, CRVAL1, CDELT1, CRPIX1 when present; and
for each bad file the error expected ("format" or "unsupported"). Floats
are repr strings.
"""

import json
import os
import struct
import warnings

import numpy as np
from astropy.io import fits

HERE = os.path.dirname(os.path.abspath(__file__))
warnings.simplefilter("ignore")


def enc(v):
    if v.dtype.kind == "f":
        return repr(float(v))
    return int(v)


def write(name, hdus):
    fits.HDUList(hdus).writeto(os.path.join(HERE, name), overwrite=True)
    return name


def scaled(data, bscale, bzero):
    """A primary HDU of stored integers with BSCALE and BZERO cards."""
    h = fits.PrimaryHDU(data)
    h.header["BSCALE"] = bscale
    h.header["BZERO"] = bzero
    return h


def describe(name):
    path = os.path.join(HERE, name)
    out = {"file": name, "hdus": []}
    with fits.open(path, do_not_scale_image_data=True) as raw, fits.open(path) as sc:
        for i, (r, s) in enumerate(zip(raw, sc)):
            e = {"index": i, "name": r.name, "ver": r.ver, "type": type(r).__name__}
            if r.is_image and r.data is not None:
                h = r.header
                e.update({
                    "offset": r.fileinfo()["datLoc"],
                    "dtype": r.data.dtype.str,
                    "shape": list(r.data.shape),
                    "bscale": repr(float(h.get("BSCALE", 1))),
                    "bzero": repr(float(h.get("BZERO", 0))),
                    "scaled_dtype": s.data.dtype.str,
                    "values": [enc(v) for v in r.data.ravel()],
                    "scaled": [enc(v) for v in s.data.ravel()],
                    "wcs": {k: (h[k] if isinstance(h[k], str) else repr(float(h[k])))
                            for k in ("CTYPE1", "CRVAL1", "CDELT1", "CRPIX1") if k in h},
                })
            out["hdus"].append(e)
    return out


def main():
    good = []
    h = fits.PrimaryHDU(np.arange(12, dtype=np.int16).reshape(3, 4) - 5)
    for k, v in (("CTYPE1", "RA---TAN"), ("CTYPE2", "DEC--TAN"), ("CRVAL1", 150.25), ("CRVAL2", 2.5),
                 ("CDELT1", -0.001), ("CDELT2", 0.001), ("CRPIX1", 2.0), ("CRPIX2", 1.5),
                 ("CUNIT1", "deg"), ("PC1_1", 1.0), ("RADESYS", "ICRS"), ("EQUINOX", 2000.0),
                 ("OBJECT", "it's a test"), ("EXPTIME", 30.5)):
        h.header[k] = v
    h.header["COMMENT"] = "ndmap test fixture"
    good.append(write("int16_wcs.fits", [h]))
    good.append(write("float32_3d.fits", [fits.PrimaryHDU((np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 3).astype(np.float32))]))
    good.append(write("float64_1d.fits", [fits.PrimaryHDU(np.linspace(-1, 1, 7))]))
    good.append(write("uint8.fits", [fits.PrimaryHDU(np.arange(10, dtype=np.uint8).reshape(2, 5) * 25)]))
    good.append(write("int64.fits", [fits.PrimaryHDU(np.arange(6, dtype=np.int64) * -(10 ** 12))]))
    good.append(write("uint16.fits", [fits.PrimaryHDU(np.array([0, 1, 32767, 32768, 65535], dtype=np.uint16))]))
    good.append(write("uint32.fits", [fits.PrimaryHDU(np.array([0, 7, 2 ** 31, 2 ** 32 - 1], dtype=np.uint32))]))
    good.append(write("int8.fits", [fits.PrimaryHDU(np.array([-128, -1, 0, 1, 127], dtype=np.int8))]))
    good.append(write("scaled_int16.fits", [scaled(np.arange(6, dtype=np.int16).reshape(2, 3) - 2, 0.5, 100.0)]))
    good.append(write("scaled_int32.fits", [scaled(np.arange(4, dtype=np.int32) * 1000, 1e-3, -1.5)]))
    sci = fits.ImageHDU(np.arange(8, dtype=np.float32).reshape(2, 4), name="SCI")
    tab = fits.BinTableHDU.from_columns([fits.Column(name="x", format="E", array=np.arange(3, dtype=np.float32))], name="CAT")
    err = fits.ImageHDU(np.ones((2, 4), dtype=np.int32), name="ERR", ver=2)
    good.append(write("extensions.fits", [fits.PrimaryHDU(), sci, tab, err]))
    good.append(write("empty_primary_table.fits", [fits.PrimaryHDU(), tab]))

    bad = []

    def patch(src, dst, card, text, kind="format"):
        b = bytearray(open(os.path.join(HERE, src), "rb").read())
        b[card * 80:card * 80 + 80] = text.ljust(80).encode()
        open(os.path.join(HERE, dst), "wb").write(bytes(b))
        bad.append({"file": dst, "error": kind})

    patch("float32_3d.fits", "bad_bitpix.fits", 1, "BITPIX  =                   12")
    patch("float32_3d.fits", "bad_naxis.fits", 2, "NAXIS   =                   -1")
    patch("float32_3d.fits", "bad_naxis1.fits", 3, "NAXIS1  =                 4.5")
    patch("float32_3d.fits", "bad_simple.fits", 0, "SIMPLX  =                    T")
    patch("float32_3d.fits", "bad_huge.fits", 3, "NAXIS1  =          99999999999")
    patch("float32_3d.fits", "bad_bscale.fits", 5, "BSCALE  = 'two'")
    patch("extensions.fits", "bad_extension_size.fits", 39, "NAXIS1  =              1000000")
    b = open(os.path.join(HERE, "float32_3d.fits"), "rb").read()
    open(os.path.join(HERE, "bad_truncated.fits"), "wb").write(b[:2880 + 50])
    bad.append({"file": "bad_truncated.fits", "error": "format"})
    noend = bytearray(b[:2880])
    noend[noend.index(b"END     "):][:8] = b"        "
    noend = bytes(noend)
    open(os.path.join(HERE, "bad_no_end.fits"), "wb").write(noend.replace(b"END" + b" " * 77, b" " * 80))
    bad.append({"file": "bad_no_end.fits", "error": "format"})
    # Random groups: NAXIS1 = 0 and GROUPS = T, which astropy reads as a
    # GroupsHDU and ndmap refuses.
    g = fits.GroupsHDU(fits.GroupData(np.arange(6, dtype=np.float32).reshape(2, 1, 3), parnames=["a"], pardata=[np.array([1.0, 2.0])], bitpix=-32))
    fits.HDUList([g]).writeto(os.path.join(HERE, "bad_groups.fits"), overwrite=True)
    bad.append({"file": "bad_groups.fits", "error": "unsupported"})

    manifest = {"good": [describe(n) for n in good], "bad": bad}
    with open(os.path.join(HERE, "manifest.json"), "w") as out:
        json.dump(manifest, out, indent=1, sort_keys=True)
        out.write("\n")


main()
