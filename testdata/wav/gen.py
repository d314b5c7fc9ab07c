#!/usr/bin/python3
"""Write the WAV test fixtures with scipy.io.wavfile and soundfile, and what
they read from them.

Usage (from anywhere): python3 testdata/wav/gen.py

Deterministic: fixed samples. scipy writes plain PCM and IEEE float files
(RIFF, and RIFX for big-endian samples); soundfile (libsndfile) writes what
scipy does not: WAVE_FORMAT_EXTENSIBLE, 24-bit samples and RF64. A few files
are assembled here byte by byte to hold chunks neither writes.

manifest.json lists for each good file the reader that checked it ("scipy",
or "soundfile" for RF64, which scipy 1.10 cannot read), the sample rate, the
dtype and shape that reader gives, the data offset, and the samples
flattened in C order (floats as repr strings). For packed 24-bit samples
both readers widen to int32 with the sample in the top three bytes; the
manifest says "packed": 3. For each bad file it gives the error expected
("format" or "unsupported").
"""

import json
import os
import struct
import warnings

import numpy as np
import soundfile
from scipy.io import wavfile

HERE = os.path.dirname(os.path.abspath(__file__))
warnings.simplefilter("ignore")


def path(name):
    return os.path.join(HERE, name)


def enc(v):
    if v.dtype.kind == "f":
        return repr(float(v))
    return int(v)


def sine(frames, channels, scale, dtype):
    t = np.arange(frames)[:, None] * (np.arange(channels)[None, :] + 1)
    return (np.sin(t / 3.0) * scale).astype(dtype)


def data_offset(name):
    """Where the data chunk's samples start, found by walking the chunks."""
    b = open(path(name), "rb").read()
    order = ">" if b[:4] == b"RIFX" else "<"
    off = 12
    while True:
        cid, size = b[off:off + 4], struct.unpack(order + "I", b[off + 4:off + 8])[0]
        if cid == b"data":
            return off + 8
        off += 8 + size + (size & 1)


def chunk(cid, body, order="<"):
    pad = b"\0" if len(body) & 1 else b""
    return cid + struct.pack(order + "I", len(body)) + body + pad


def riff(chunks, order="<", magic=b"RIFF"):
    body = b"WAVE" + b"".join(chunks)
    return magic + struct.pack(order + "I", len(body)) + body


def fmt(tag, channels, rate, width, bits=None, order="<"):
    bits = bits or 8 * width
    return struct.pack(order + "HHIIHH", tag, channels, rate, rate * channels * width, channels * width, bits)


def main():
    good, bad = [], []

    def scipy_file(name, rate, data):
        wavfile.write(path(name), rate, data)
        good.append((name, "scipy"))

    def sf_file(name, rate, data, fmt_, subtype, reader="scipy"):
        soundfile.write(path(name), data, rate, format=fmt_, subtype=subtype)
        good.append((name, reader))

    scipy_file("int16_stereo.wav", 8000, sine(50, 2, 20000, np.int16))
    scipy_file("int16_mono.wav", 22050, sine(40, 1, 30000, np.int16)[:, 0])
    scipy_file("uint8_mono.wav", 8000, (sine(30, 1, 100, np.float64)[:, 0] + 128).astype(np.uint8))
    scipy_file("int32_stereo.wav", 48000, sine(20, 2, 2e9, np.int32))
    scipy_file("int64_mono.wav", 1000, sine(10, 1, 9e18, np.int64)[:, 0])
    scipy_file("float32_3ch.wav", 44100, sine(25, 3, 0.9, np.float32))
    scipy_file("float64_mono.wav", 96000, sine(15, 1, 0.5, np.float64)[:, 0])
    sf_file("extensible_int16_4ch.wav", 16000, sine(20, 4, 10000, np.int16), "WAVEX", "PCM_16")
    sf_file("extensible_float32.wav", 16000, sine(20, 2, 0.25, np.float32), "WAVEX", "FLOAT")
    sf_file("extensible_int24.wav", 16000, sine(20, 2, 2 ** 31 - 1, np.int32), "WAVEX", "PCM_24")
    sf_file("int24_stereo.wav", 16000, sine(20, 2, 2 ** 31 - 1, np.int32), "WAV", "PCM_24")
    sf_file("rf64_int16.wav", 8000, sine(30, 2, 5000, np.int16), "RF64", "PCM_16", reader="soundfile")

    # Chunks before the data that readers must skip: an odd-sized LIST
    # (with its pad byte) and a JUNK chunk.
    samples = sine(10, 2, 3000, "<i2").tobytes()
    open(path("chunks_before_data.wav"), "wb").write(riff([
        chunk(b"fmt ", fmt(1, 2, 8000, 2)),
        chunk(b"LIST", b"INFOISFT\x05\x00\x00\x00test\x00"),
        chunk(b"JUNK", b"\0" * 6),
        chunk(b"data", samples),
    ]))
    good.append(("chunks_before_data.wav", "scipy"))

    # RIFX: the big-endian RIFF that scipy reads (but writes as RIFF).
    open(path("rifx_int16.wav"), "wb").write(riff([
        chunk(b"fmt ", fmt(1, 2, 8000, 2, order=">"), order=">"),
        chunk(b"data", sine(12, 2, 1000, ">i2").tobytes(), order=">"),
    ], order=">", magic=b"RIFX"))
    good.append(("rifx_int16.wav", "scipy"))

    def bad_file(name, chunks, kind="format", magic=b"RIFF"):
        open(path(name), "wb").write(riff(chunks, magic=magic))
        bad.append({"file": name, "error": kind})

    f16 = chunk(b"fmt ", fmt(1, 2, 8000, 2))
    bad_file("bad_alaw.wav", [chunk(b"fmt ", fmt(6, 1, 8000, 1)), chunk(b"data", b"\0" * 8)], "unsupported")
    bad_file("bad_data_first.wav", [chunk(b"data", samples), f16])
    bad_file("bad_no_data.wav", [f16, chunk(b"LIST", b"INFO")])
    bad_file("bad_fmt_short.wav", [chunk(b"fmt ", b"\1\0\2\0"), chunk(b"data", samples)])
    bad_file("bad_channels.wav", [chunk(b"fmt ", fmt(1, 0, 8000, 2)), chunk(b"data", samples)])
    bad_file("bad_block_align.wav", [chunk(b"fmt ", struct.pack("<HHIIHH", 1, 2, 8000, 8000, 3, 8)), chunk(b"data", samples)])
    bad_file("bad_float16.wav", [chunk(b"fmt ", fmt(3, 1, 8000, 2)), chunk(b"data", b"\0" * 8)], "unsupported")
    bad_file("bad_magic.wav", [f16, chunk(b"data", samples)], magic=b"RIFZ")
    b = open(path("int16_stereo.wav"), "rb").read()
    open(path("bad_truncated.wav"), "wb").write(b[:-10])
    bad.append({"file": "bad_truncated.wav", "error": "format"})
    b = bytearray(open(path("int16_stereo.wav"), "rb").read())
    b[16:20] = struct.pack("<I", 1 << 30)  # the fmt chunk's size, far past the end
    open(path("bad_chunk_size.wav"), "wb").write(bytes(b))
    bad.append({"file": "bad_chunk_size.wav", "error": "format"})
    # 24-bit samples are refused unless described as bytes.
    bad.append({"file": "int24_stereo.wav", "error": "unsupported"})

    entries = []
    for name, reader in good:
        if reader == "scipy":
            rate, data = wavfile.read(path(name))
        else:
            data, rate = soundfile.read(path(name), dtype="int16", always_2d=False)
        e = {"file": name, "reader": reader, "rate": int(rate), "dtype": data.dtype.str,
             "shape": list(data.shape), "offset": data_offset(name),
             "values": [enc(v) for v in data.ravel()]}
        if "int24" in name:
            e["packed"] = 3
        entries.append(e)

    with open(path("manifest.json"), "w") as out:
        json.dump({"good": entries, "bad": bad}, out, indent=1, sort_keys=True)
        out.write("\n")


main()
