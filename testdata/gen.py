#!/usr/bin/python3
"""Write the ndmap test fixtures with real NumPy, and the facts NumPy reports about them.

Usage (from the repository root or from testdata/):

    python3 testdata/gen.py

The output is deterministic: fixed values, a fixed zip timestamp (1980-01-01 00:00 UTC) and no
randomness, so running it twice gives identical files. It writes

    npy/*.npy     np.save, format.write_array and open_memmap output (the conformance cases)
    npy/old16.npy a header written the way NumPy < 1.14 did (aligned to 16, no spare spaces)
    npz/*.npz     np.savez, np.savez_compressed, and a zip written to a non-seekable stream
    raw/*         tofile output: raw arrays and files that start with a small header record
    bad/*         malformed inputs that a reader must refuse
    manifest.json what NumPy says about each fixture (see below)

manifest.json has four lists:

    "npy"  one entry per array: file, member (the zip member name, npz only), descr (repr of
           numpy.lib.format.dtype_to_descr), shape, fortran_order, version (format.read_magic),
           offset (where the array data starts: absolute in the file for .npy files and stored
           npz members, relative to the uncompressed member for deflated ones), method (zip
           compression method, npz only), numpy_header (true when the header bytes are exactly
           what NumPy >= 1.24 writes), forced_version (true when the version was asked for
           rather than NumPy's own choice) and values.
           An npz member that is not an .npy file has "raw": true and only file, member, method.
    "raw"  files without an npy header: how to describe them (offset, descr, the shape asked for,
           or the header record and the names of its fields giving the axes) and the shape,
           offset and values that result.
    "bad"  file, reader ("npy" or "npz") and the kind of error expected: "format" for malformed
           input, "unsupported" for a dtype that cannot be mapped (object arrays).
    "archives"  .npz files with members that NumPy or ndmap cannot read, with members the others
           can (their arrays are in "npy"): per member, the name NumPy's zipfile finds, the key,
           what np.load(file)[key] does ("ok", or the name of the exception it raises) and what
           ndmap must do: "" (read it), "unsupported" (refuse its dtype), "too_long" (refuse its
           header as longer than NumPy's default limit) or "checksum" (find its CRC-32 wrong when
           its bytes are read in full).

values maps each leaf field path ("" for arrays that are not records, "meta.a" for nested
fields) to that field's values flattened in C order of the logical shape, sub-array axes
trailing. Encoding: integers as JSON numbers; floats as the string repr(float(x)) ("nan",
"inf", "-inf", "0.1"); complex as [re, im] of such strings; bool as true/false; S as the bytes
(trailing NULs dropped, as NumPy does) decoded as latin1; U as strings, a lone surrogate (which
a NumPy str can hold) written as the JSON escape of that code point (\\ud805), which JSON readers
that keep only valid Unicode turn into U+FFFD; datetime64 and timedelta64 as their int64 counts;
V as hex strings.
"""

import io
import json
import os
import struct
import sys
import time
import warnings
import zipfile

import numpy as np
from numpy.lib import format as npformat

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED_TIME = 315532800.0  # 1980-01-01 00:00:00 UTC, the earliest zip date

os.environ["TZ"] = "UTC"
time.tzset()
warnings.simplefilter("ignore")

manifest = {"npy": [], "raw": [], "bad": [], "archives": []}


def path(rel):
    p = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def fixed_clock(fn, *args, **kwargs):
    """Run fn with time.time frozen, so zip members get a fixed timestamp."""
    saved = time.time
    time.time = lambda: FIXED_TIME
    try:
        return fn(*args, **kwargs)
    finally:
        time.time = saved


# ---- values -----------------------------------------------------------------------------------

def scalar_json(dt, x):
    k = dt.kind
    if k == "b":
        return bool(x)
    if k in "iu":
        return int(x)
    if k == "f":
        return repr(float(x))
    if k == "c":
        return [repr(float(x.real)), repr(float(x.imag))]
    if k == "S":
        return bytes(x).decode("latin1")
    if k == "U":
        return str(x)
    if k in "Mm":
        return int(x.view("i8") if isinstance(x, np.ndarray) else np.array(x).view("i8"))
    if k == "V":
        return bytes(x).hex()
    raise ValueError("no encoding for %r" % dt)


def leaf_values(arr, prefix, out):
    dt = arr.dtype
    if dt.names is not None:
        for name in dt.names:
            leaf_values(arr[name], prefix + "." + name if prefix else name, out)
        return
    base = dt.base if dt.subdtype is not None else dt
    flat = np.ascontiguousarray(arr).reshape(-1)
    if flat.dtype.subdtype is not None:
        flat = flat.view(base)
    if base.kind in "Mm":
        out[prefix] = [int(v) for v in flat.view("i8")]
    else:
        out[prefix] = [scalar_json(base, v) for v in flat]


def values_of(arr):
    out = {}
    leaf_values(np.asarray(arr), "", out)
    return out


# ---- npy --------------------------------------------------------------------------------------

def npy_facts(data):
    """Version, header and data offset of an .npy byte string, as NumPy reads them."""
    f = io.BytesIO(data)
    version = npformat.read_magic(f)
    # read_array_header_2_0 decodes as latin1 even for version 3.0; the private reader picks
    # the encoding from the version.
    shape, fortran, dtype = npformat._read_array_header(f, version, max_header_size=1 << 30)
    return list(version), list(shape), fortran, dtype, f.tell()


def add_npy(rel, arr, numpy_header=True, member=None, offset_base=0, method=None, data=None, forced=False):
    if data is None:
        with open(path(rel), "rb") as f:
            data = f.read()
    version, shape, fortran, dtype, off = npy_facts(data)
    loaded = np.load(io.BytesIO(data), allow_pickle=False, max_header_size=1 << 30)
    assert loaded.dtype == arr.dtype and loaded.shape == arr.shape, rel
    entry = {"file": rel}
    if member is not None:
        entry["member"] = member
        entry["method"] = method
    entry.update({
        "descr": repr(npformat.dtype_to_descr(dtype)),
        "shape": shape,
        "fortran_order": fortran,
        "version": version,
        "offset": offset_base + off,
        "numpy_header": numpy_header,
        "forced_version": forced,
        "values": values_of(loaded),
    })
    manifest["npy"].append(entry)


def save(name, arr, **kw):
    rel = "npy/" + name + ".npy"
    np.save(path(rel), arr, **kw)
    add_npy(rel, arr)


def gen_npy():
    save("f8_1d", np.array([0.0, 1.5, -2.25, np.nan, np.inf, -np.inf, 0.1, 1e300]))
    save("f8_0d", np.array(3.25))
    save("i4_be_2x3", np.arange(-3, 3, dtype=">i4").reshape(2, 3))
    save("u1_empty", np.zeros((0,), dtype="u1"))
    save("i2_3x0", np.zeros((3, 0), dtype="<i2"))
    save("b1", np.array([True, False, False, True, True]))
    save("f2_special", np.array([0.0, 1.0, -2.5, 65504.0, np.inf, -np.inf, np.nan, 6e-8], dtype="<f2"))
    c16 = np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3) + 1j * np.arange(6, 0, -1).reshape(2, 3))
    c16[1, 2] = complex(np.nan, -np.inf)
    save("c16_fortran_2x3", c16)
    f4 = np.asfortranarray((np.arange(24, dtype="<f4") - 5.5).reshape(2, 3, 4))
    save("f4_fortran_2x3x4", f4)
    base = np.arange(40, dtype="<i8").reshape(5, 8) * 3 - 7
    save("noncontiguous", base[::2, 1::3])
    save("c8_be", np.array([1 + 2j, -0.5 - 0.25j, complex(np.inf, np.nan)], dtype=">c8"))
    save("S5", np.array([b"ab", b"hello", b"", b"x\x00y", b"\xe9t\xe9"], dtype="S5"))
    save("U3_le", np.array(["a", "été", "", "α", "xyz"], dtype="<U3"))
    save("U3_be", np.array(["a", "été", "", "α", "xyz"], dtype=">U3"))
    save("V4", np.array([b"\x00\x01\x02\x03", b"abcd", b"\xff\xfe\x00\x00"], dtype="V4"))
    save("M8_ns", np.array(["2021-03-04T05:06:07.000000008", "NaT", "1969-12-31T23:59:59", "1970-01-01"],
                           dtype="<M8[ns]"))
    save("m8_10s", np.array([0, 1, -3, 1000, "NaT"], dtype="<m8[10s]"))

    rec = np.dtype([("x", "<i4"), ("y", ">f8")])
    save("struct", np.array([(1, 0.5), (-2, np.nan), (3, -np.inf)], dtype=rec))

    nested = np.dtype([
        ("id", "<u2"),
        ("pos", "<f4", (3,)),
        ("meta", [("a", "<i2"), ("b", "u1", (2, 2))]),
        ("grid", ">i4", (2, 3)),
    ])
    n = np.zeros(2, dtype=nested)
    n["id"] = [7, 65535]
    n["pos"] = np.arange(6, dtype="f4").reshape(2, 3) / 4 - 0.5
    n["meta"]["a"] = [-1, 300]
    n["meta"]["b"] = np.arange(8).reshape(2, 2, 2) + 250
    n["grid"] = np.arange(12).reshape(2, 2, 3) * -11
    save("struct_nested", n)

    aligned = np.dtype([("a", "u1"), ("b", "<f8"), ("c", "<i2")], align=True)
    save("struct_aligned", np.array([(1, 2.5, -3), (255, -0.0, 32767)], dtype=aligned))

    titled = np.dtype([(("Temperature (K)", "temp"), "<f4"), (("count", "n"), "<u4")])
    save("struct_titles", np.array([(273.15, 4), (-1.5, 0)], dtype=titled))

    offsets = np.dtype({"names": ["a", "b"], "formats": ["<i2", "<f4"], "offsets": [4, 8], "itemsize": 16})
    save("struct_offsets", np.array([(1, 1.25), (-2, np.inf)], dtype=offsets))

    save("struct_0d", np.array((42, -7.5), dtype=rec))

    latin = np.dtype([("é", "<i4"), ("ß", "<f4")])
    save("field_latin1", np.array([(1, 2.0), (3, -4.5)], dtype=latin))
    utf = np.dtype([("α", "<i4"), ("温度", "<f8")])
    save("field_utf8", np.array([(1, 2.0), (-3, 0.125)], dtype=utf))

    many = np.dtype([("field%04d" % i, "<f8") for i in range(3445)])
    m = np.zeros(2, dtype=many)
    for i in range(0, 3445, 97):
        m["field%04d" % i] = [i, -i - 0.5]
    save("fields_3445", m)

    small = np.arange(6, dtype="<f8").reshape(2, 3) - 2.5
    for major in (2, 3):
        rel = "npy/write_array_v%d.npy" % major
        with open(path(rel), "wb") as f:
            npformat.write_array(f, small, version=(major, 0))
        add_npy(rel, small, forced=True)

    rel = "npy/open_memmap_fortran.npy"
    mm = npformat.open_memmap(path(rel), mode="w+", dtype="<f8", shape=(3, 4), fortran_order=True)
    mm[...] = np.arange(12).reshape(3, 4) * 0.5 - 1
    mm.flush()
    del mm
    add_npy(rel, np.load(path(rel)))

    db = np.dtype([("name", "S12"), ("time", "<i8"), ("value", "<f4")])
    dbv = np.array([(b"alpha", 1600000000, 1.5), (b"beta", 1600000060, -0.25),
                    (b"gamma", 1600000120, np.nan), (b"delta-epsilon", 1600000180, 1e10)], dtype=db)
    save("db", dbv)
    save("frames", (np.arange(60, dtype="<f4") * 0.5 - 3).reshape(5, 4, 3))
    ch = np.arange(80, dtype="<f8").reshape(10, 8) / 8 - 4
    ch[3, 3] = np.nan
    ch[9, 7] = -np.inf
    save("channels", ch)

    # The header NumPy < 1.14 wrote: no spare spaces, padded so that the data starts at a
    # multiple of 16.
    arr = np.arange(5, dtype="<i8") - 2
    d = npformat.header_data_from_array_1_0(arr)
    text = "{" + "".join("'%s': %s, " % (k, repr(v)) for k, v in sorted(d.items())) + "}"
    pad = 16 - ((len(npformat.MAGIC_PREFIX) + 2 + 2 + len(text) + 1) % 16)
    hdr = text.encode("latin1") + b" " * pad + b"\n"
    rel = "npy/old16.npy"
    with open(path(rel), "wb") as f:
        f.write(npformat.magic(1, 0) + struct.pack("<H", len(hdr)) + hdr + arr.tobytes())
    add_npy(rel, arr, numpy_header=False)


# ---- npz --------------------------------------------------------------------------------------

def local_data_offset(data, info):
    """Absolute offset of a member's bytes, from its local header's own lengths."""
    h = info.header_offset
    assert data[h:h + 4] == b"PK\x03\x04"
    nlen, xlen = struct.unpack("<HH", data[h + 26:h + 30])
    return h + 30 + nlen + xlen


def add_npz(rel, arrays, skip=()):
    """List the members of an archive in the manifest: arrays (a dict by key) as "npy" entries,
    other members as raw ones, and none of the keys in skip (members that cannot be read)."""
    with open(path(rel), "rb") as f:
        data = f.read()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if z.getinfo(info.filename) is not info:
                continue  # a name written again later: zipfile, and so np.load, reads the last
            key = info.filename[:-4] if info.filename.endswith(".npy") else None
            if key in skip:
                continue
            member = z.read(info.filename)
            if key is None or key not in arrays:
                manifest["npy"].append({"file": rel, "member": info.filename,
                                        "method": info.compress_type, "raw": True})
                continue
            base = local_data_offset(data, info) if info.compress_type == zipfile.ZIP_STORED else 0
            add_npy(rel, arrays[key], member=info.filename, offset_base=base,
                    method=info.compress_type, data=member)


def gen_npz():
    a0 = np.arange(7, dtype="<i2") - 3
    a1 = np.array([[1.5, np.nan], [-np.inf, 0.1]])
    x = np.arange(12, dtype="<f4").reshape(3, 4) / 3
    y = np.array([True, False, True])
    rel = "npz/savez.npz"
    fixed_clock(np.savez, path(rel), a0, a1, x=x, y=y)
    add_npz(rel, {"arr_0": a0, "arr_1": a1, "x": x, "y": y})

    rel = "npz/savez_compressed.npz"
    fixed_clock(np.savez_compressed, path(rel), a0, a1, x=x, y=y)
    add_npz(rel, {"arr_0": a0, "arr_1": a1, "x": x, "y": y})

    rel = "npz/empty.npz"
    fixed_clock(np.savez, path(rel))
    add_npz(rel, {})

    # A zip written to a stream that cannot seek: every member has a data descriptor (flag 8)
    # and sizes that only the central directory knows.
    class Stream(io.RawIOBase):
        def __init__(self):
            self.buf = bytearray()

        def writable(self):
            return True

        def seekable(self):
            return False

        def write(self, b):
            self.buf += b
            return len(b)

    def npy_bytes(arr):
        b = io.BytesIO()
        np.save(b, arr)
        return b.getvalue()

    s = Stream()
    members = {"stored": np.arange(10, dtype="<u4") * 7, "deflated": np.arange(6, dtype=">f8") - 0.5}
    with zipfile.ZipFile(s, "w") as z:
        for name, method in (("stored", zipfile.ZIP_STORED), ("deflated", zipfile.ZIP_DEFLATED)):
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, npy_bytes(members[name]))
        info = zipfile.ZipInfo("notes.txt", date_time=(1980, 1, 1, 0, 0, 0))
        z.writestr(info, b"not an array\n")
    rel = "npz/descriptors.npz"
    with open(path(rel), "wb") as f:
        f.write(bytes(s.buf))
    with zipfile.ZipFile(path(rel)) as z:
        assert all(i.flag_bits & 8 for i in z.infolist())
    add_npz(rel, members)


# ---- conformance: what NumPy does where ndmap once differed -----------------------------------

def npz_outcomes(rel, ndmap):
    """Record, for each member of an archive, what np.load does with it and what ndmap must."""
    members = []
    with np.load(path(rel)) as z:
        for key in z.files:
            try:
                z[key]
                outcome = "ok"
            except Exception as e:  # each refusal is the point of the fixture
                outcome = type(e).__name__
            members.append({"member": key + ".npy", "key": key, "numpy": outcome,
                            "ndmap": ndmap.get(key, "")})
    manifest["archives"].append({"file": rel, "members": members})


def flip_crc(data, name):
    """Return a zip's bytes with the CRC-32 of member name changed in its local header and in
    its central directory entry, the data left as it is."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(name)
    data = bytearray(data)
    bad = struct.pack("<I", info.CRC ^ 0x00010000)
    h = info.header_offset
    assert data[h:h + 4] == b"PK\x03\x04"
    data[h + 14:h + 18] = bad
    n = 0
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        nlen = struct.unpack("<H", data[i + 28:i + 30])[0]
        if data[i + 46:i + 46 + nlen] == name.encode():
            data[i + 16:i + 20] = bad
            n += 1
        i = data.find(b"PK\x01\x02", i + 4)
    assert n == 1
    return bytes(data)


def gen_conformance():
    # Archives with members ndmap cannot map, among members it can: np.load reads each member
    # alone, so one it refuses does not keep the others from being read.
    ok = np.arange(5, dtype="<i4") * 3
    after = np.array([[1.0, -0.5]], dtype=">f8")
    obj = np.array([1, "two", None], dtype=object)
    longdouble = np.array([1.5, -2.0], dtype=np.longdouble)
    wide = np.zeros(2, dtype=[("f%04d" % i, "u1") for i in range(1000)])  # a 17,000-character header
    for rel, save_npz in (("npz/partial.npz", np.savez), ("npz/partial_compressed.npz", np.savez_compressed)):
        fixed_clock(save_npz, path(rel), ok=ok, obj=obj, longdouble=longdouble, wide=wide, after=after)
        add_npz(rel, {"ok": ok, "after": after}, skip={"obj", "longdouble", "wide"})
        npz_outcomes(rel, {"obj": "unsupported", "longdouble": "unsupported", "wide": "too_long"})

    # A sub-array of sub-arrays: NumPy keeps the levels apart in the dtype and its descr.
    nested = np.dtype([("c", ("<f8", (5,)), (2,)), ("d", (("<i2", (3,)), (2,)), (2,)), ("t", "<f4")])
    n = np.zeros(2, dtype=nested)
    n["c"] = np.arange(20).reshape(2, 2, 5) * 0.5 - 3
    n["d"] = np.arange(24).reshape(2, 2, 2, 3) - 12
    n["t"] = [0.25, -1]
    save("subarray_nested", n)

    # Checksums: a stored member with one data byte flipped, and a deflated member whose
    # CRC-32 is wrong in the archive's records. NumPy's zipfile raises BadZipFile reading either.
    x = np.arange(16, dtype="<u2") * 1000
    y = np.array([True, False])
    for rel, save_npz in (("npz/crc_stored.npz", np.savez), ("npz/crc_deflated.npz", np.savez_compressed)):
        fixed_clock(save_npz, path(rel), x=x, y=y)
        with open(path(rel), "rb") as f:
            data = f.read()
        if save_npz is np.savez:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                info = z.getinfo("x.npy")
            at = local_data_offset(data, info) + 128 + 5  # a byte of x's data
            data = data[:at] + bytes([data[at] ^ 0x40]) + data[at + 1:]
        else:
            data = flip_crc(data, "x.npy")
        with open(path(rel), "wb") as f:
            f.write(data)
        add_npz(rel, {"y": y}, skip={"x"})
        npz_outcomes(rel, {"x": "checksum"})

    # The same name twice: zipfile, and so np.load, reads the last one written.
    first, last, other = np.array([1, 2], dtype="<i8"), np.array([-7.5], dtype="<f4"), np.array(b"b")
    rel = "npz/duplicate.npz"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, arr in (("a.npy", first), ("b.npy", other), ("a.npy", last)):
            b = io.BytesIO()
            np.save(b, arr)
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), b.getvalue())
    with open(path(rel), "wb") as f:
        f.write(buf.getvalue())
    with np.load(path(rel)) as z:
        assert z["a"].dtype == last.dtype
    add_npz(rel, {"a": last, "b": other})

    # Member names with a slash: np.load gives them back as keys "dir/x".
    rel = "npz/slash.npz"
    sx, sy = np.arange(3, dtype="<i2"), np.array([0.5])
    fixed_clock(np.savez, path(rel), **{"dir/x": sx, "y": sy})
    add_npz(rel, {"dir/x": sx, "y": sy})

    # Lone surrogates in str items: NumPy keeps the code point.
    save("U_surrogate", np.array(["a\ud805b", "\udfff", "ok", ""], dtype="<U3"))

    # The Python 2 long suffix: read by NumPy in version 1.0 and 2.0 headers only.
    data = np.arange(4, dtype="<f8").tobytes()
    text = "{'descr': '<f8', 'fortran_order': False, 'shape': (4L,), }"
    for major in (1, 2):
        rel = "npy/long_suffix_v%d.npy" % major
        with open(path(rel), "wb") as f:
            f.write(header_bytes(text, major) + data)
        add_npy(rel, np.arange(4, dtype="<f8"), numpy_header=False)
    bad("long_suffix_v3.npy", header_bytes(text, 3) + data)
    # A datetime without its itemsize, which NumPy's dtype() refuses.
    bad("m_without_itemsize.npy", header_bytes("{'descr': '>m[us]', 'fortran_order': False, 'shape': (4,), }") + data)
    # A byte order before a type name, which NumPy takes only before a type code.
    bad("order_before_name.npy", header_bytes("{'descr': '>float64', 'fortran_order': False, 'shape': (4,), }") + data)


def check_bad():
    """Every bad fixture is one NumPy refuses too."""
    for e in manifest["bad"]:
        with open(path(e["file"]), "rb") as f:
            data = f.read()
        try:
            if e["reader"] == "npy":
                np.load(io.BytesIO(data))
            else:
                with np.load(io.BytesIO(data)) as z:
                    for k in z.files:
                        z[k]
        except Exception:
            continue
        raise AssertionError("NumPy reads " + e["file"])


def write_manifest():
    text = json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    # A lone surrogate cannot be written as UTF-8: write it as JSON's escape of that code point.
    text = "".join("\\u%04x" % ord(c) if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    with open(path("manifest.json"), "w", encoding="utf-8") as f:
        f.write(text)


# ---- raw --------------------------------------------------------------------------------------

def gen_raw():
    frames = (np.arange(60, dtype="<f4") * 0.5 - 3).reshape(5, 4, 3)
    rel = "raw/frames.f32"
    frames.tofile(path(rel))
    manifest["raw"].append({"file": rel, "kind": "fixed", "offset": 0, "descr": "'<f4'",
                            "request": [-1, 4, 3], "shape": [5, 4, 3], "values": values_of(frames)})

    db = np.dtype([("name", "S12"), ("time", "<i8"), ("value", "<f4")])
    dbv = np.array([(b"alpha", 1600000000, 1.5), (b"beta", 1600000060, -0.25),
                    (b"gamma", 1600000120, np.nan)], dtype=db)
    rel = "raw/db.dat"
    dbv.tofile(path(rel))
    manifest["raw"].append({"file": rel, "kind": "fixed", "offset": 0,
                            "descr": repr(npformat.dtype_to_descr(db)),
                            "request": None, "shape": [3], "values": values_of(dbv)})

    for order, name in (("<", "grid.bin"), (">", "grid_be.bin")):
        hdr = np.dtype([("rows", order + "i4"), ("cols", order + "i4")])
        grid = (np.arange(12, dtype=order + "f8") * 1.25 - 4).reshape(3, 4)
        grid[2, 1] = np.nan
        rel = "raw/" + name
        with open(path(rel), "wb") as f:
            np.array([(3, 4)], dtype=hdr).tofile(f)
            grid.tofile(f)
        manifest["raw"].append({"file": rel, "kind": "record",
                                "header": repr(npformat.dtype_to_descr(hdr)),
                                "fields": ["rows", "cols"], "descr": repr(npformat.dtype_to_descr(grid.dtype)),
                                "offset": hdr.itemsize, "shape": [3, 4], "values": values_of(grid)})

    # The same grid with 8 bytes of reserved space after the header record: the data offset
    # must be given explicitly.
    hdr = np.dtype([("rows", "<i4"), ("cols", "<i4")])
    grid = (np.arange(6, dtype="<f8") - 1).reshape(2, 3)
    rel = "raw/grid_gap.bin"
    with open(path(rel), "wb") as f:
        np.array([(2, 3)], dtype=hdr).tofile(f)
        f.write(b"\xee" * 8)
        grid.tofile(f)
    manifest["raw"].append({"file": rel, "kind": "record", "header": repr(npformat.dtype_to_descr(hdr)),
                            "fields": ["rows", "cols"], "descr": "'<f8'", "offset": 16,
                            "shape": [2, 3], "values": values_of(grid)})


# ---- bad --------------------------------------------------------------------------------------

def header_bytes(text, major=1, minor=0, align=64):
    raw = text.encode("latin1")
    fmt = "<H" if major == 1 else "<I"
    pre = 6 + 2 + struct.calcsize(fmt)
    pad = align - ((pre + len(raw) + 1) % align)
    raw += b" " * pad + b"\n"
    return npformat.MAGIC_PREFIX + bytes([major, minor]) + struct.pack(fmt, len(raw)) + raw


def bad(name, data, error="format", reader="npy"):
    rel = "bad/" + name
    with open(path(rel), "wb") as f:
        f.write(data)
    manifest["bad"].append({"file": rel, "reader": reader, "error": error})


def gen_bad():
    good = "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }"
    data = np.arange(4, dtype="<f8").tobytes()
    full = header_bytes(good) + data

    bad("bad_magic.npy", b"\x93NUMPZ" + full[6:])
    bad("truncated_magic.npy", full[:4])
    bad("truncated_length.npy", full[:9])
    bad("truncated_header.npy", full[:40])
    bad("not_dict.npy", header_bytes("[('descr', '<f8'), ('fortran_order', False), ('shape', (4,))]") + data)
    bad("wrong_key.npy", header_bytes("{'descr': '<f8', 'fortran_order': False, 'shapes': (4,), }") + data)
    bad("extra_key.npy", header_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), 'x': 1, }") + data)
    bad("missing_key.npy", header_bytes("{'descr': '<f8', 'shape': (4,), }") + data)
    bad("shape_list.npy", header_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': [4], }") + data)
    bad("shape_float.npy", header_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4.0,), }") + data)
    bad("fortran_not_bool.npy", header_bytes("{'descr': '<f8', 'fortran_order': 0, 'shape': (4,), }") + data)
    bad("negative_dim.npy", header_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }") + data)
    bad("count_overflow.npy",
        header_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }") + data)
    bad("size_overflow.npy",
        header_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,), }") + data)
    bad("short_data.npy", header_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (100,), }") + data)
    bad("version_1_1.npy", header_bytes(good, 1, 1) + data)
    bad("version_4_0.npy", header_bytes(good, 4, 0) + data)
    long_text = good + " " * 12000
    bad("header_too_long.npy", header_bytes(long_text, 2, 0) + data)
    b = io.BytesIO()
    np.save(b, np.array([1, "two", None], dtype=object), allow_pickle=True)
    bad("object.npy", b.getvalue(), error="unsupported")
    bad("not_zip.npz", full, reader="npz")
    with open(path("npz/savez.npz"), "rb") as f:
        z = f.read()
    bad("truncated.npz", z[: len(z) // 2], reader="npz")


def main():
    gen_npy()
    gen_npz()
    gen_raw()
    gen_bad()
    gen_conformance()
    check_bad()
    write_manifest()


if __name__ == "__main__":
    if sys.version_info < (3, 8):
        sys.exit("gen.py needs Python 3.8 or newer")
    main()
