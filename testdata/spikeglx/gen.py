#!/usr/bin/python3
"""Write SpikeGLX fixtures (.bin + .meta pairs) and record what neo reads.

SpikeGLX itself only runs with acquisition hardware, so this script writes
small recordings in its layout: a run folder run_g0 holding the nidq stream
and one folder per probe (run_g0_imec0, ...), with meta files carrying the
keys SpikeGLX writes. neo.rawio.SpikeGLXRawIO (python3-neo) then reads the
folder, and manifest.json records what it reports. Run from anywhere:
python3 testdata/spikeglx/gen.py; the output is the same every time.

manifest.json holds, for each stream neo finds:
  bin, meta        the files, relative to this folder
  stream           neo's stream name (imec0.ap, nidq, ...)
  descr, shape     of the raw data, (samples, nSavedChans), load_sync_channel=True
  sha256           of the raw data bytes
  sample_rate      neo's sampling rate
  names, ids       neo's channel names and ids, every saved channel
  volts            neo's gain of every channel but the last (which neo
                   leaves out by default: the sync word), in volts per count
                   (neo gives imec gains in microvolts)
and for each bad meta file: bin, meta and what the error must mention.
"""
import hashlib
import json
import os
import shutil

import numpy as np
import neo
from neo.rawio import SpikeGLXRawIO

here = os.path.dirname(os.path.abspath(__file__))
os.chdir(here)
for name in os.listdir('.'):
    if name != 'gen.py':
        if os.path.isdir(name):
            shutil.rmtree(name)
        else:
            os.remove(name)


def write(path, meta, data):
    """Write data (samples, channels) as int16 to path.bin and meta to path.meta."""
    os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
    raw = np.ascontiguousarray(data, dtype='<i2').tobytes()
    meta = dict(meta)
    meta['fileSizeBytes'] = str(len(raw))
    meta['nSavedChans'] = str(data.shape[1])
    with open(path + '.bin', 'wb') as f:
        f.write(raw)
    # SpikeGLX writes keys in sorted order, "~" keys last, CRLF line ends
    # on Windows; LF here, which neo and SpikeGLX's tools read alike.
    with open(path + '.meta', 'w', newline='\n') as f:
        for k in sorted(meta, key=lambda k: (k.startswith('~'), k)):
            f.write('%s=%s\n' % (k, meta[k]))


def signal(samples, chans, seed):
    t = np.arange(samples)[:, None]
    c = np.arange(chans)[None, :]
    return ((t * 37 + c * 101 + seed * 7) % 1001 - 500).astype(np.int16)


def subset_names(prefix, ids, order0=0):
    return ''.join('(%s%d;%d:%d)' % (prefix, i - order0, i, n) for n, i in enumerate(ids))


common = {
    'appVersion': '20230425',
    'fileCreateTime': '2024-05-06T07:08:09',
    'firstSample': '1000',
    'gateMode': 'Immediate',
    'nDataDirs': '1',
    'syncSourceIdx': '0',
    'syncSourcePeriod': '1',
    'trigMode': 'Immediate',
    'typeImEnabled': '2',
    'typeNiEnabled': '1',
    'typeObEnabled': '0',
    'userNotes': '',
}

# nidq: 2 MN, 1 MA, 2 XA analog channels and 1 digital word.
ni = signal(50, 6, 1)
ni[:, 5] = (np.arange(50) * 5) % 256  # digital lines
write('run_g0/run_g0_t0.nidq', dict(common, **{
    'acqMnMaXaDw': '2,1,2,1',
    'snsMnMaXaDw': '2,1,2,1',
    'snsSaveChanSubset': 'all',
    'niAiRangeMax': '5',
    'niAiRangeMin': '-5',
    'niMaxInt': '32768',
    'niMNGain': '200',
    'niMAGain': '2',
    'niSampRate': '25000',
    'niMNChans1': '0:1',
    'niMAChans1': '2',
    'niXAChans1': '3:4',
    'niXDChans1': '0:7',
    'niXDBytes1': '1',
    'niMuxFactor': '1',
    'typeThis': 'nidq',
    'fileName': 'D:/data/run_g0/run_g0_t0.nidq.bin',
    '~snsChanMap': '(2,1,1,2,1)(MN0C0;0:0)(MN1C0;1:1)(MA0C0;2:2)(XA0;3:3)(XA1;4:4)(XD0;5:5)',
}), ni)

# imec0: a Neuropixels 1.0 probe (type 0) with gains set channel by
# channel, saving AP channels 0..7 (and LF channels 384..391) and the sync
# word 768 of the 384 + 384 + 1 acquired.
ap_gains = [50, 125, 250, 500, 1000, 1500, 2000, 3000]
lf_gains = [250, 500, 1000, 50, 125, 1500, 3000, 2000]
imro = '(0,384)' + ''.join('(%d 0 0 %d %d 1)' % (c, ap_gains[c % 8], lf_gains[c % 8]) for c in range(384))
np1 = dict(common, **{
    'acqApLfSy': '384,384,1',
    'imAiRangeMax': '0.6',
    'imAiRangeMin': '-0.6',
    'imMaxInt': '512',
    'imDatPrb_type': '0',
    'imDatPrb_pn': 'PRB_1_4_0480_1',
    'imDatPrb_sn': '18005106371',
    'imDatPrb_slot': '2',
    'imDatPrb_port': '1',
    'imDatPrb_dock': '1',
    'typeThis': 'imec',
    '~imroTbl': imro,
})
ap = signal(40, 9, 2)
ap[:, 8] = 64 * (np.arange(40) % 2)  # sync: bit 6
write('run_g0/run_g0_imec0/run_g0_t0.imec0.ap', dict(np1, **{
    'imSampRate': '30000',
    'snsApLfSy': '8,0,1',
    'snsSaveChanSubset': '0:7,768',
    'fileName': 'D:/data/run_g0/run_g0_imec0/run_g0_t0.imec0.ap.bin',
    '~snsChanMap': '(384,384,1)' + subset_names('AP', range(8)) + '(SY0;768:8)',
}), ap)
lf = signal(10, 9, 3)
lf[:, 8] = 0
write('run_g0/run_g0_imec0/run_g0_t0.imec0.lf', dict(np1, **{
    'imSampRate': '2500',
    'snsApLfSy': '0,8,1',
    'snsSaveChanSubset': '384:391,768',
    'fileName': 'D:/data/run_g0/run_g0_imec0/run_g0_t0.imec0.lf.bin',
    '~snsChanMap': '(384,384,1)' + subset_names('LF', range(384, 392), 384) + '(SY0;768:8)',
}), lf)

# imec1: a Neuropixels 2.0 four-shank probe (type 24), fixed gain 80, 14-bit
# (imMaxInt 8192), AP only: channels 0..3 and the sync word 384.
imro24 = '(24,384)' + ''.join('(%d %d 0 %d %d)' % (c, c // 96, 0, c) for c in range(384))
np2 = signal(30, 5, 4)
np2[:, 4] = 0
write('run_g0/run_g0_imec1/run_g0_t0.imec1.ap', dict(common, **{
    'acqApLfSy': '384,0,1',
    'imAiRangeMax': '0.5',
    'imAiRangeMin': '-0.5',
    'imMaxInt': '8192',
    'imDatPrb_type': '24',
    'imDatPrb_pn': 'NP2010',
    'imSampRate': '30000',
    'snsApLfSy': '4,0,1',
    'snsSaveChanSubset': '0:3,384',
    'typeThis': 'imec',
    'fileName': 'D:/data/run_g0/run_g0_imec1/run_g0_t0.imec1.ap.bin',
    '~imroTbl': imro24,
    '~snsChanMap': '(384,0,1)' + subset_names('AP', range(4)) + '(SY0;384:4)',
}), np2)

reader = SpikeGLXRawIO(dirname='run_g0', load_sync_channel=True)
reader.parse_header()
default = SpikeGLXRawIO(dirname='run_g0')
default.parse_header()
streams = []
for si, stream in enumerate(reader.header['signal_streams']):
    sid = stream['id']
    info = reader.signals_info_dict[0, sid]
    raw = reader.get_analogsignal_chunk(0, 0, None, None, si, None)
    chans = reader.header['signal_channels']
    chans = chans[chans['stream_id'] == sid]
    dchans = default.header['signal_channels']
    dchans = dchans[dchans['stream_id'] == sid]
    scale = 1e-6 if chans['units'][0] == 'uV' else 1.0
    streams.append({
        'bin': os.path.relpath(info['bin_file']),
        'meta': os.path.relpath(info['meta_file']),
        'stream': str(sid),
        'descr': raw.dtype.str,
        'shape': list(raw.shape),
        'sha256': hashlib.sha256(np.ascontiguousarray(raw).tobytes()).hexdigest(),
        'sample_rate': float(info['sampling_rate']),
        'names': [str(n) for n in chans['name']],
        'ids': [str(i) for i in chans['id']],
        'volts': [float(g) * scale for g in dchans['gain']],
    })
streams.sort(key=lambda s: s['bin'])

# Meta files that must be refused, each beside a .bin of 12 bytes.
bad = {
    'no_chans': ('typeThis=imec\nimSampRate=30000\n', 'nSavedChans is missing'),
    'zero_chans': ('nSavedChans=0\ntypeThis=imec\n', 'nSavedChans'),
    'text_chans': ('nSavedChans=two\ntypeThis=imec\n', 'nSavedChans'),
    'truncated': ('nSavedChans=2\nfileSizeBytes=400\ntypeThis=imec\n', 'fileSizeBytes'),
    'bad_size': ('nSavedChans=2\nfileSizeBytes=-4\ntypeThis=imec\n', 'fileSizeBytes'),
    'bad_rate': ('nSavedChans=2\nimSampRate=fast\ntypeThis=imec\n', 'imSampRate'),
}
bad_entries = []
os.mkdir('bad')
for name, (text, why) in sorted(bad.items()):
    base = os.path.join('bad', name + '.imec0.ap')
    with open(base + '.meta', 'w') as f:
        f.write(text)
    with open(base + '.bin', 'wb') as f:
        f.write(bytes(12))
    bad_entries.append({'bin': base + '.bin', 'meta': base + '.meta', 'error': why})

with open('manifest.json', 'w') as f:
    json.dump({'neo': neo.__version__, 'numpy': np.__version__,
               'streams': streams, 'bad': bad_entries}, f, indent=1, sort_keys=True)
    f.write('\n')
