#!/usr/bin/python3
"""Write the ENVI fixtures with spectral (python3-spectral) and record what it reads.

Run from anywhere: python3 testdata/envi/gen.py. The values are fixed, so
running it again gives the same bytes.

manifest.json holds, for each good fixture:
  data, header   the data file and its .hdr, relative to this folder
  descr, shape   the dtype and shape of spectral's open_memmap(interleave='source')
                 (for a spectral library: of its spectra array)
  interleave     the header's interleave
  offset         the header offset
  sha256         of the array's values in C order, as stored (the data bytes)
  first          the first few values as numbers (complex: [re, im] pairs)
  band_names, wavelength, fwhm, wavelength_units, description: as the header gives them
and for each bad fixture: data, header, and the spectral exception or
reason it is refused.
"""
import hashlib
import json
import os
import shutil
import sys

import numpy as np
import spectral
import spectral.io.envi as envi

here = os.path.dirname(os.path.abspath(__file__))
os.chdir(here)
for name in os.listdir('.'):
    if name not in ('gen.py',) and os.path.isfile(name):
        os.remove(name)
shutil.rmtree('bad', ignore_errors=True)
os.mkdir('bad')


def ramp(shape, dtype, scale=1):
    n = int(np.prod(shape))
    a = (np.arange(n) * scale - n // 3).astype(dtype)
    return a.reshape(shape)


def save(name, data, interleave, ext='.img', byteorder='little', metadata=None):
    """data is (lines, samples, bands) as spectral's save_image takes it."""
    envi.save_image(name + '.hdr', data, interleave=interleave, ext=ext,
                    byteorder=byteorder, metadata=metadata or {}, force=True)


# Images of every ENVI data type spectral handles, in all three interleaves
# and both byte orders.
save('bsq_f4', ramp((4, 5, 3), np.float32, 0.25), 'bsq', metadata={
    'description': 'a float32 cube\nwritten by spectral',
    'wavelength': [450.5, 550.0, 650.25],
    'fwhm': [10.0, 10.5, 11.0],
    'band names': ['blue', 'green', 'red'],
    'wavelength units': 'nm',
})
save('bil_i2_be', ramp((3, 4, 2), np.int16, 7), 'bil', byteorder='big')
save('bip_u2', ramp((3, 4, 5), np.uint16, 3) + 100, 'bip')
save('bip_c8', (ramp((2, 3, 2), np.float32) + 1j * ramp((2, 3, 2), np.float32, 2)).astype(np.complex64), 'bip')
save('bsq_c16_be', (ramp((2, 2, 3), np.float64, 0.5) - 0.5j).astype(np.complex128), 'bsq', byteorder='big')
save('bil_f8', ramp((2, 3, 4), np.float64, 1.5), 'bil', ext='.dat')
save('bsq_i4', ramp((2, 3, 2), np.int32, 1000003), 'bsq')
save('bip_i8_be', ramp((2, 2, 3), np.int64, 10**12), 'bip', byteorder='big')
save('bil_u4', ramp((2, 3, 2), np.uint32, 1) + 4000000000, 'bil')
save('bsq_u8', (ramp((1, 3, 2), np.uint64, 1) + 2**63).astype(np.uint64), 'bsq')
save('noext_u1', ramp((3, 4), np.uint8), 'bip', ext='')  # 2-d: one band

# A header offset: spectral's create_image leaves that many bytes before the data.
img = envi.create_image('offset_u1.hdr', shape=(2, 3, 2), dtype=np.uint8,
                        interleave='bil', offset=48, force=True)
m = img.open_memmap(writable=True)
m[...] = ramp(m.shape, np.uint8, 5)
m.flush()
del m, img

# A spectral library: 3 spectra of 4 bands, float32, (lines, samples).
lib = envi.SpectralLibrary(ramp((3, 4), np.float32, 0.5), {
    'wavelength': [1.0, 2.0, 3.0, 4.0], 'spectra names': ['a', 'b', 'c'],
    'wavelength units': 'um'})
lib.save('library', description='three spectra')


def record(hdr):
    h = envi.read_envi_header(hdr)
    img = envi.open(hdr)
    if isinstance(img, envi.SpectralLibrary):
        a = img.spectra
        data = os.path.splitext(hdr)[0] + '.sli'
        inter = h['interleave']
        off = 0
    else:
        a = img.open_memmap(interleave='source')
        data = img.filename
        inter = h['interleave']
        off = img.offset
    flat = np.ascontiguousarray(a).ravel()
    first = flat[:6]
    if np.iscomplexobj(first):
        first = [[float(v.real), float(v.imag)] for v in first]
    else:
        first = [v.item() for v in first]
    e = {'data': os.path.basename(data), 'header': hdr, 'descr': a.dtype.str,
         'shape': list(a.shape), 'interleave': inter, 'offset': off,
         'sha256': hashlib.sha256(flat.tobytes()).hexdigest(), 'first': first}
    for key, field in (('band names', 'band_names'), ('wavelength', 'wavelength'),
                       ('fwhm', 'fwhm'), ('wavelength units', 'wavelength_units'),
                       ('description', 'description')):
        if key in h:
            v = h[key]
            if key in ('wavelength', 'fwhm'):
                v = [float(x) for x in v]
            e[field] = v
    return e


good = [record(n) for n in sorted(os.listdir('.')) if n.endswith('.hdr')]

# Malformed or unsupported headers, each beside a data file large enough for
# what it claims, so that only the header is wrong.
base = ['samples = 2', 'lines = 2', 'bands = 1', 'header offset = 0',
        'data type = 2', 'interleave = bsq', 'byte order = 0']
bad = {
    'not_envi': ('IDL\n' + '\n'.join(base), 'first line'),
    'compressed': ('ENVI\n' + '\n'.join(base + ['file compression = 1']), 'compress'),
    'frame_offsets': ('ENVI\n' + '\n'.join(base + ['major frame offsets = {0, 8}']), 'frame offsets'),
    'data_type_7': ('ENVI\n' + '\n'.join(base[:4] + ['data type = 7'] + base[5:]), 'data type'),
    'data_type_text': ('ENVI\n' + '\n'.join(base[:4] + ['data type = float'] + base[5:]), 'data type'),
    'missing_samples': ('ENVI\n' + '\n'.join(base[1:]), 'samples'),
    'negative_lines': ('ENVI\n' + '\n'.join(base[:1] + ['lines = -2'] + base[2:]), 'lines'),
    'bad_interleave': ('ENVI\n' + '\n'.join(base[:5] + ['interleave = bsx', 'byte order = 0']), 'interleave'),
    'byte_order_2': ('ENVI\n' + '\n'.join(base[:6] + ['byte order = 2']), 'byte order'),
    'no_byte_order': ('ENVI\n' + '\n'.join(base[:6]), 'byte order'),
    'unterminated': ('ENVI\n' + '\n'.join(base + ['band names = { a,', 'b']), 'brace'),
    'short_data': ('ENVI\n' + '\n'.join(['samples = 200'] + base[1:]), 'data'),
    'overflow': ('ENVI\n' + '\n'.join(['samples = 9223372036854775807', 'lines = 4'] + base[2:]), 'samples'),
}
bad_entries = []
for name, (text, why) in sorted(bad.items()):
    hdr = os.path.join('bad', name + '.hdr')
    with open(hdr, 'w') as f:
        f.write(text + '\n')
    with open(os.path.join('bad', name + '.img'), 'wb') as f:
        f.write(bytes(range(8)))
    try:
        img = envi.open(hdr)
        img.open_memmap(interleave='source')[...].sum()
        err = 'spectral accepts it'
    except Exception as ex:  # spectral's own refusal, recorded for reference
        err = type(ex).__name__
    bad_entries.append({'data': name + '.img', 'header': hdr, 'error': why, 'spectral': err})

with open('manifest.json', 'w') as f:
    json.dump({'spectral': spectral.__version__, 'numpy': np.__version__,
               'good': good, 'bad': bad_entries}, f, indent=1, sort_keys=True)
    f.write('\n')
