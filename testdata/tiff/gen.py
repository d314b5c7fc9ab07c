#!/usr/bin/python3
"""Write the TIFF fixtures with tifffile (python3-tifffile) and record what it reads.

Run from anywhere: python3 testdata/tiff/gen.py. Everything written is
deterministic (tifffile's Software tag and datetime are left out).

manifest.json holds, for each fixture tifffile.memmap accepts (good):
  file              relative to this folder
  kind              tifffile's kind of the first series (shaped, imagej, generic, uniform)
  descr, shape      of tifffile.memmap(file, mode='r')
  offset            of the memmap in the file
  sha256            of the array's bytes in C order, as stored
  first             the first few values as numbers (complex: [re, im])
  axes              the series' axes
and for each it refuses (bad): file, the reason ndmap must give (a
substring of its error) and tifffile's own error.
"""
import hashlib
import json
import os
import struct

import numpy as np
import tifffile

here = os.path.dirname(os.path.abspath(__file__))
os.chdir(here)
for name in os.listdir('.'):
    if name != 'gen.py' and os.path.isfile(name):
        os.remove(name)

COMMON = dict(software=False, datetime=False)


def ramp(shape, dtype, scale=1):
    n = int(np.prod(shape))
    a = np.arange(n) * scale - n // 3
    if np.dtype(dtype).kind == 'u':
        a = a % (np.iinfo(dtype).max + 1)
    return a.astype(dtype).reshape(shape)


def write(name, data, **kw):
    tifffile.imwrite(name, data, **COMMON, **kw)


good = {}
# tifffile "shaped" files: the JSON description gives the shape.
write('shaped_u2.tif', ramp((5, 16, 20), np.uint16, 7))
write('shaped_f4_be.tif', ramp((2, 3, 8, 10), np.float32, 0.5), byteorder='>')
write('shaped_u1_bigtiff.tif', ramp((4, 6, 7), np.uint8), bigtiff=True)
write('shaped_i2_be_bigtiff.tif', ramp((3, 5, 4), np.int16, 99), bigtiff=True, byteorder='>')
write('shaped_rgb.tif', ramp((3, 8, 9, 3), np.uint8, 3), photometric='rgb')
write('shaped_planar.tif', ramp((2, 3, 8, 9), np.uint16, 11), photometric='rgb', planarconfig='separate')
write('shaped_strips.tif', ramp((4, 12, 10), np.int32, 1001), rowsperstrip=5)
write('shaped_c8.tif', (ramp((2, 4, 5), np.float32) + 1j * ramp((2, 4, 5), np.float32, 3)).astype(np.complex64))
write('shaped_f2.tif', ramp((3, 4, 6), np.float16, 0.25))
write('shaped_f8.tif', ramp((1, 1, 5, 6), np.float64, 1.5))
write('shaped_i1.tif', ramp((2, 5, 6), np.int8, 5))
write('shaped_u4.tif', ramp((2, 5, 6), np.uint32, 100003))
write('shaped_i8.tif', ramp((2, 3, 4), np.int64, 10**11))
write('shaped_u8_be.tif', ramp((2, 3, 4), np.uint64, 10**15), byteorder='>')
write('shaped_truncated.tif', ramp((6, 8, 10), np.uint16, 3), truncate=True)
write('shaped_2d.tif', ramp((7, 9), np.float32, 0.125))
write('shaped_description.tif', ramp((3, 4, 5), np.uint8), description='a user description')
# ImageJ hyperstacks: images=, slices=, frames=, channels= give the shape.
write('imagej_tzcyx.tif', ramp((2, 3, 2, 8, 10), np.uint16, 5), imagej=True, metadata={'axes': 'TZCYX'})
write('imagej_zyx_f4.tif', ramp((5, 8, 10), np.float32, 0.75), imagej=True, resolution=(4.0, 2.0),
      metadata={'axes': 'ZYX', 'spacing': 2.5, 'unit': 'um'})
write('imagej_tyx.tif', ramp((4, 6, 8), np.uint8, 3), imagej=True, metadata={'axes': 'TYX'})
write('imagej_zcyx_i2.tif', ramp((3, 2, 6, 7), np.int16, 17), imagej=True, metadata={'axes': 'ZCYX'})
write('imagej_rgb.tif', ramp((3, 5, 6, 3), np.uint8, 7), imagej=True, photometric='rgb', metadata={'axes': 'TYXS'})
write('imagej_yx.tif', ramp((6, 7), np.float32, 2.5), imagej=True)
write('imagej_be.tif', ramp((2, 4, 5), np.uint16, 9), imagej=True, byteorder='>', metadata={'axes': 'ZYX'})
# Plain multi-page TIFFs, without metadata: tifffile groups like pages.
write('plain_pages.tif', ramp((9, 6, 8), np.int16, 31), metadata=None)
write('plain_3pages.tif', ramp((3, 6, 8), np.uint8, 3), metadata=None)
write('plain_single.tif', ramp((5, 6), np.float64, 0.5), metadata=None)
write('plain_rgb_bigtiff.tif', ramp((2, 4, 5, 3), np.uint16, 1000), metadata=None, photometric='rgb', bigtiff=True)
with tifffile.TiffWriter('plain_mixed.tif') as tw:
    tw.write(ramp((2, 6, 8), np.uint8), metadata=None, contiguous=True, **COMMON)
    tw.write(ramp((4, 4), np.float32), metadata=None, **COMMON)

# Files tifffile.memmap refuses, and the reason ndmap must give.
bad = {}
write('bad_zlib.tif', ramp((2, 8, 8), np.uint16), compression='zlib')
bad['bad_zlib.tif'] = 'compress'
write('bad_tiled.tif', ramp((2, 32, 32), np.uint16), tile=(16, 16))
bad['bad_tiled.tif'] = 'tile'
write('bad_predictor.tif', ramp((2, 8, 8), np.uint16), compression='zlib', predictor=True)
bad['bad_predictor.tif'] = 'compress'
with tifffile.TiffWriter('bad_gaps.tif') as tw:
    for i in range(3):
        tw.write(ramp((6, 8), np.uint16, i + 1), metadata=None, contiguous=False, **COMMON)
bad['bad_gaps.tif'] = 'not contiguous'
write('bad_bilevel.tif', np.array([[1, 0, 1, 1, 0, 0, 1, 0]] * 4, dtype=bool), metadata=None)
bad['bad_bilevel.tif'] = 'bits per sample'
# tifffile's own OME writer puts a fresh UUID in; this OME-XML is fixed.
ome = ('<?xml version="1.0" encoding="UTF-8"?>'
       '<OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06">'
       '<Image ID="Image:0"><Pixels ID="Pixels:0" DimensionOrder="XYCZT" Type="uint8" '
       'SizeX="8" SizeY="8" SizeC="3" SizeZ="1" SizeT="2"><Channel ID="Channel:0:0" SamplesPerPixel="1"/>'
       '<Channel ID="Channel:0:1" SamplesPerPixel="1"/><Channel ID="Channel:0:2" SamplesPerPixel="1"/>'
       '<TiffData/></Pixels></Image></OME>')
write('bad_ome.tif', ramp((6, 8, 8), np.uint8), description=ome, metadata=None)
bad['bad_ome.tif'] = 'OME'

# Malformed files, made by hand from a good one.
src = open('shaped_u2.tif', 'rb').read()
with open('bad_magic.tif', 'wb') as f:
    f.write(b'II\x2c\x00' + src[4:])
bad['bad_magic.tif'] = 'version'
with open('bad_truncated.tif', 'wb') as f:
    f.write(src[:6])
bad['bad_truncated.tif'] = 'header'
with open('bad_ifd_offset.tif', 'wb') as f:
    f.write(src[:4] + struct.pack('<I', len(src) + 100) + src[8:])
bad['bad_ifd_offset.tif'] = 'IFD'
single = open('plain_single.tif', 'rb').read()
with open('bad_short_data.tif', 'wb') as f:
    f.write(single[:300])  # the IFD whole, the data cut short
bad['bad_short_data.tif'] = 'run past the end'


def number(v):
    if isinstance(v, complex):
        return [v.real, v.imag]
    return v


def record(name):
    with tifffile.TiffFile(name) as tif:
        s = tif.series[0]
        kind, axes = s.kind, s.axes
    m = tifffile.memmap(name, mode='r')
    flat = np.ascontiguousarray(m).ravel()
    return {
        'file': name, 'kind': kind, 'axes': axes, 'descr': m.dtype.str, 'shape': list(m.shape),
        'offset': int(m.offset), 'sha256': hashlib.sha256(flat.tobytes()).hexdigest(),
        'first': [number(v.item()) for v in flat[:6]],
    }


good_entries = [record(n) for n in sorted(os.listdir('.')) if n.endswith('.tif') and not n.startswith('bad_')]
bad_entries = []
for name, why in sorted(bad.items()):
    try:
        tifffile.memmap(name, mode='r')
        err = 'tifffile accepts it'
    except Exception as ex:
        err = type(ex).__name__ + ': ' + str(ex)[:80]
    bad_entries.append({'file': name, 'error': why, 'tifffile': err})

with open('manifest.json', 'w') as f:
    json.dump({'tifffile': tifffile.__version__, 'numpy': np.__version__,
               'good': good_entries, 'bad': bad_entries}, f, indent=1, sort_keys=True)
    f.write('\n')
