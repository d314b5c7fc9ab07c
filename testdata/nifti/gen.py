#!/usr/bin/python3
"""Write the NIfTI test fixtures with nibabel, and what nibabel reads from them.

Usage (from anywhere): python3 testdata/nifti/gen.py

Deterministic: fixed values, fixed affines. manifest.json lists, for each good
file, the file nibabel loads (a .nii, or the .img of a pair), nibabel's
dtype (get_data_dtype().str, or "rgb"/"rgba" for the colour records), shape,
data offset, zooms, slope and intercept (dataobj.slope/inter), and the stored
values flattened in Fortran order (dataobj.get_unscaled(); floats as repr
strings, complex as [re, im], colour records as their bytes in order); for
each bad file the error expected ("format" or "unsupported") and whether
nibabel nevertheless reads it.
"""

import json
import os
import struct
import warnings

import nibabel as nib
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
warnings.simplefilter("ignore")

AFFINE = np.array([[2.0, 0, 0, -10], [0, 2.5, 0, 20], [0, 0, 3.0, 5], [0, 0, 0, 1]])


def enc(v):
    if np.iscomplexobj(v):
        return [repr(float(v.real)), repr(float(v.imag))]
    if v.dtype.kind == "f":
        return repr(float(v))
    return int(v)


def save(name, data, cls=nib.Nifti1Image, endian=None, slope=None, ext=None, units=None, dtype=None):
    hdr = cls.header_class(endianness=endian) if endian else cls.header_class()
    img = cls(data, AFFINE, hdr)
    img.set_data_dtype(data.dtype if dtype is None else dtype)
    if slope is not None:
        img.header.set_slope_inter(*slope)
    if ext is not None:
        img.header.extensions.append(nib.nifti1.Nifti1Extension("comment", ext))
    if units is not None:
        img.header.set_xyzt_units(*units)
    img.header["descrip"] = b"ndmap test fixture"
    nib.save(img, os.path.join(HERE, name))
    if name.endswith(".hdr"):
        return name[:-4] + ".img"
    return name


def describe(name):
    img = nib.load(os.path.join(HERE, name))
    h = img.header
    dt = h.get_data_dtype()
    raw = np.asanyarray(img.dataobj.get_unscaled())
    if dt.names:
        dtype = "rgba" if len(dt.names) == 4 else "rgb"
        values = [int(x) for x in raw.ravel(order="F").tobytes()]
    else:
        dtype = dt.str
        values = [enc(v) for v in raw.ravel(order="F")]
    slope, inter = img.dataobj.slope, img.dataobj.inter
    return {
        "file": name,
        "version": 2 if isinstance(h, nib.Nifti2Header) else 1,
        "dtype": dtype,
        "shape": list(img.shape),
        "offset": int(img.dataobj.offset),
        "zooms": [repr(float(z)) for z in h.get_zooms()],
        "slope": repr(float(slope)),
        "inter": repr(float(inter)),
        "xyzt_units": int(h["xyzt_units"]),
        "sform_code": int(h["sform_code"]),
        "srow": [repr(float(x)) for x in np.concatenate([h["srow_x"], h["srow_y"], h["srow_z"]])],
        "descrip": bytes(h["descrip"].item()).decode("latin1"),
        "extensions": [int(e.get_code()) for e in h.extensions],
        "values": values,
    }


def main():
    good = []
    f = (np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4) / 3).astype(np.float32)
    good.append(save("float32.nii", f, units=("mm", "sec")))
    i = np.arange(3 * 2 * 2 * 2, dtype=np.int16).reshape(3, 2, 2, 2) - 7
    good.append(save("int16_scaled.nii", i, slope=(2.5, -10.0), dtype=np.int16))
    good.append(save("uint8_2d.nii", np.arange(12, dtype=np.uint8).reshape(3, 4)))
    good.append(save("float64_big_endian.nii", np.arange(6, dtype=np.float64).reshape(2, 3) - 2.5, endian=">"))
    good.append(save("int16_big_endian_scaled.nii", np.arange(8, dtype=np.int16).reshape(2, 2, 2), endian=">", slope=(0.5, 1.0), dtype=np.int16))
    good.append(save("complex64.nii", (np.arange(6) + 1j * np.arange(6, 0, -1)).astype(np.complex64).reshape(3, 2)))
    good.append(save("int64_5d.nii", np.arange(32, dtype=np.int64).reshape(2, 2, 2, 2, 2) * -3))
    good.append(save("uint16_1d.nii", np.arange(5, dtype=np.uint16) * 1000))
    rgb = np.zeros((2, 3), dtype=[("R", "u1"), ("G", "u1"), ("B", "u1")])
    rgb["R"] = np.arange(6).reshape(2, 3)
    rgb["G"] = 100
    rgb["B"] = np.arange(6, 0, -1).reshape(2, 3)
    good.append(save("rgb24.nii", rgb))
    good.append(save("float32_extension.nii", f, ext=b"a comment that needs padding"))
    good.append(save("nifti2.nii", np.arange(24, dtype=np.int32).reshape(4, 3, 2), cls=nib.Nifti2Image))
    good.append(save("nifti2_big_endian.nii", np.arange(6, dtype=np.float32).reshape(3, 2), cls=nib.Nifti2Image, endian=">"))
    good.append(save("pair.hdr", np.arange(24, dtype=np.int16).reshape(2, 3, 4) - 5, cls=nib.Nifti1Pair))
    good.append(save("pair2.hdr", np.arange(6, dtype=np.float64).reshape(2, 3), cls=nib.Nifti2Pair))

    bad = []

    def patch(src, dst, off, fmt, value, kind="format", nibabel_reads=False):
        b = bytearray(open(os.path.join(HERE, src), "rb").read())
        struct.pack_into(fmt, b, off, value)
        open(os.path.join(HERE, dst), "wb").write(bytes(b))
        bad.append({"file": dst, "error": kind, "nibabel_reads": nibabel_reads})

    patch("float32.nii", "bad_float128.nii", 70, "<h", 1536, "unsupported")
    patch("float32.nii", "bad_binary.nii", 70, "<h", 1, "unsupported")
    patch("float32.nii", "bad_datatype.nii", 70, "<h", 3)
    patch("float32.nii", "bad_dim0.nii", 40, "<h", 8)
    patch("float32.nii", "bad_negative_dim.nii", 44, "<h", -2)
    patch("float32.nii", "bad_magic.nii", 344, "4s", b"n+2\0")
    # nibabel corrects sizeof_hdr and truncates a fractional vox_offset;
    # ndmap takes the byte order from sizeof_hdr and wants whole offsets.
    patch("float32.nii", "bad_sizeof.nii", 0, "<i", 349, nibabel_reads=True)
    patch("float32.nii", "bad_vox_offset.nii", 108, "<f", 1e6)
    patch("float32.nii", "bad_vox_offset_low.nii", 108, "<f", 100.0)
    patch("float32.nii", "bad_vox_offset_fraction.nii", 108, "<f", 352.5, nibabel_reads=True)
    patch("int16_scaled.nii", "bad_inter.nii", 116, "<f", float("inf"))
    patch("nifti2.nii", "bad_nifti2_dim.nii", 24, "<q", 1 << 62)
    data = open(os.path.join(HERE, "float32.nii"), "rb").read()
    open(os.path.join(HERE, "bad_truncated.nii"), "wb").write(data[:-4])
    bad.append({"file": "bad_truncated.nii", "error": "format", "nibabel_reads": False})
    open(os.path.join(HERE, "bad_short_header.nii"), "wb").write(data[:200])
    bad.append({"file": "bad_short_header.nii", "error": "format", "nibabel_reads": False})

    manifest = {"good": [describe(n) for n in good], "bad": bad}
    with open(os.path.join(HERE, "manifest.json"), "w") as out:
        json.dump(manifest, out, indent=1, sort_keys=True)
        out.write("\n")


main()
