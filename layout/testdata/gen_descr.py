#!/usr/bin/python3
"""Print the Go table rows of descr_test.go from NumPy itself.

descrTests: each row is a dtype built with NumPy and the text NumPy writes
for it in a .npy header, repr(numpy.lib.format.dtype_to_descr(dtype)).
readTests: each row is a descr as a header might hold it and the text
NumPy writes after reading it with numpy.lib.format.descr_to_dtype, on a
little-endian machine. Run with the system NumPy (1.24) and paste the
output into the tables:

    python3 gen_descr.py
"""
import numpy as np
from numpy.lib.format import dtype_to_descr

cases = [
    ("f8", "<f8"), ("b1", "|b1"), ("i4 big", ">i4"), ("S5", "|S5"), ("U3", "<U3"),
    ("U3 big", ">U3"), ("V4", "|V4"), ("M8 ns", "<M8[ns]"), ("m8 10s", "<m8[10s]"),
    ("M8 generic", "<M8"), ("m8 generic big", ">m8"), ("u1", "|u1"), ("i1", "|i1"),
    ("f2", "<f2"), ("f4 big", ">f4"), ("c8", "<c8"), ("c16 big", ">c16"), ("u8", "<u8"),
    ("i2", "<i2"), ("u2 big", ">u2"), ("S0", "|S0"), ("U0", "<U0"), ("V0", "|V0"),
    ("M8 10ms", "<M8[10ms]"), ("M8 Y", "<M8[Y]"), ("M8 W", "<M8[W]"), ("m8 as", "<m8[as]"),
    ("M8 2D", ">M8[2D]"),
    ("record x y", [("x", "<i4"), ("y", ">f8")]),
    ("nested with sub-arrays", [("id", "<u2"), ("pos", "<f4", (3,)),
        ("meta", [("a", "<i2"), ("b", "|u1", (2, 2))]), ("grid", ">i4", (2, 3))]),
    ("aligned", np.dtype([("a", "u1"), ("b", "<f8"), ("c", "<i2")], align=True)),
    ("titles", [(("Temperature (K)", "temp"), "<f4"), (("count", "n"), "<u4")]),
    ("offsets and itemsize", np.dtype({"names": ["a", "b"], "formats": ["<i2", "<f4"],
        "offsets": [4, 8], "itemsize": 16})),
    ("latin1 names", [("é", "<i4"), ("ß", "<f4")]),
    ("non-latin1 names", [("α", "<i4"), ("温度", "<f8")]),
    ("quotes in names", [("it's", "<i4"), ('say "hi"', "<i4"), ("both '\"", "<i4"), ("back\\slash", "<i4")]),
    ("control and odd names", [("tab\there", "|u1"), ("nul\x00", "|u1"), ("\xa0\xad", "|u1"), ("\U0001f600", "|u1")]),
    ("empty record", []),
    ("empty name", [("", "<i4"), ("b", "<f8")]),
    ("strings and times", [("name", "|S12"), ("time", "<i8"), ("value", "<f4"),
        ("u", ">U2"), ("t", "<M8[us]"), ("d", "<m8[3h]")]),
    ("bool and void fields", [("ok", "|b1"), ("raw", "|V3")]),
    ("nested record sub-array", [("p", [("x", "<f4"), ("y", "<f4")], (4,))]),
    ("sub-array of strings", [("names", "|S8", (2, 3)), ("codes", "<U2", (5,))]),
    ("zero-length sub-array", [("a", "<i4", (0,)), ("b", "<i4", (2, 0))]),
    ("one-element sub-array", [("a", "<i4", (1,)), ("b", "<f8", (1, 1))]),
    ("deep nesting", [("a", [("b", [("c", [("d", "<i8")])])])]),
    ("aligned nested", np.dtype([("a", "u1"), ("s", np.dtype([("x", "u1"), ("y", "<i4")], align=True))], align=True)),
    ("trailing padding only", np.dtype({"names": ["a"], "formats": ["<i4"], "itemsize": 12})),
    ("leading padding only", np.dtype({"names": ["a"], "formats": ["<i4"], "offsets": [8]})),
    ("title and sub-array", [(("T", "a"), "<i4", (2,))]),
    ("3445 fields", [("field%04d" % i, "<f8") for i in range(3445)]),
]

reads = [
    "'=f8'", "'f8'", "'d'", "'float64'", "'<i'", "'b1'", "'?'", "'S'", "'datetime64[ns]'",
    "'|f8'", "'>i1'", "'>S5'", "'>?'", "'=U3'", "'M'", "'m8'", "'M8[μs]'", "'M8[1ns]'",
    "'a5'", "'S01'", "'i08'", "'bool'", "'b'", "'B'", "'h'", "'H'", "'i'", "'I'", "'q'",
    "'Q'", "'e'", "'f'", "'F'", "'D'", "'c'", "'U'", "'V'", "'half'", "'single'",
    "'double'", "'complex64'", "'complex128'", "'uint8'", "'int16'", "'timedelta64'",
    "'datetime64'", "'str'", "'bytes'", "'void'", '"<f8"', "u'<f8'", "  '<f8'  ",
    "[('', '<i4'), ('b', '<f8')]",
    "[('', '|V4'), ('', '|V4')]",
    "[('', '<i4', (2,)), ('a', '<i4')]",
    "[('', ('<i4', (2,))), ('a', '<i4')]",
    "[('a', '<i4', 1)]",
    "[('a', '<i4', ())]",
    "[('a', '<i4', 2)]",
    "[('a', '<i4', [2, 3])]",
    "[('a', ('<i4', (2,)))]",
    "[('a', '<i4',), ('b', 'f8')]",
    "[(\"x\", \"<i4\")]",
    "[('x', 'i4'), ('y', '=f8'), ('z', 'S3')]",
    "[(('T', 'a'), '<i4')]",
    "[('a', [])]",
]


def golit(s):
    out = '"'
    for c in s.encode("utf-8"):
        if c == 0x22:
            out += '\\"'
        elif c == 0x5C:
            out += "\\\\"
        elif 0x20 <= c < 0x7F:
            out += chr(c)
        else:
            out += "\\x%02x" % c
    return out + '"'


for name, spec in cases:
    dt = spec if isinstance(spec, np.dtype) else np.dtype(spec)
    text = repr(dtype_to_descr(dt))
    if name == "3445 fields":
        print("\t{%s, fields3445Descr()}," % golit(name))
        print("\t// " + text[:60] + "...")
        continue
    print("\t{%s, %s}," % (golit(name), golit(text)))

print()
from numpy.lib.format import descr_to_dtype
import ast
for text in reads:
    out = repr(dtype_to_descr(descr_to_dtype(ast.literal_eval(text))))
    print("\t{%s, %s}," % (golit(text), golit(out)))
