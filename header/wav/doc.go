// Package wav describes the samples of WAV files: RIFF (and its big-endian
// twin RIFX) with PCM or IEEE float samples, WAVE_FORMAT_EXTENSIBLE, and
// RF64 (and BW64), whose 64-bit sizes let the samples pass 4 GiB.
//
// Importing the package registers the format "wav" with the header
// package, so that files starting "RIFF....WAVE" (or RIFX, RF64, BW64) are
// opened by path, with the zero [Describer].
//
// # Reading
//
// [Read] and [ReadFile] walk the chunks up to the data chunk and return a
// [Header]: the sample rate, channels, bits, channel mask and the chunks
// before the data, and, in Header.Array, where the samples start, their
// dtype and their shape: (frames, channels), interleaved as the file
// stores them, or (frames,) for one channel, as scipy.io.wavfile.read
// returns them. 8-bit PCM is uint8 (unsigned, 128 for silence), wider PCM
// int16, int32 or int64, float samples float32 or float64; the dtype's size
// is the container's (BlockAlign over channels), whatever the valid bits.
//
// # 24-bit samples: refused, or described as bytes
//
// PCM samples in 3-byte containers (and 5, 6 or 7) have no dtype. scipy
// widens them into int32 (or int64), which copies every sample; a view
// mapped from the file cannot widen. The zero [Describer] therefore refuses
// them, with an error wrapping layout.ErrUnsupported that says so, rather
// than describing them as something they are not. A Describer with
// PackedAsBytes set describes them as uint8 with a last axis of the
// container's bytes, (frames, channels, 3) for 24-bit stereo, which maps
// without a copy, and sets Header.Packed: each sample is then its bytes
// read as a signed integer in the file's byte order.
//
// A-law, µ-law and compressed formats are refused likewise.
//
// # Writing
//
// [New] returns the header of a file for a sample dtype, channel count,
// frame count and rate, and [Header.Encode] its bytes up to the data
// chunk's size; the samples follow. Files whose sizes do not fit RIFF's 32
// bits are written as RF64 with a ds64 chunk. A JUNK chunk puts the samples
// on a 16-byte boundary, so that typed views of the mapped file are
// aligned.
//
// # Errors
//
// Malformed input gives a *header.FormatError whose message starts with
// "wav:" and names the chunk field and its byte offset.
//
// # Security
//
// Every chunk size is untrusted: each is compared with the file's size
// before it is skipped or read, the fmt chunk is read only up to 64 KiB,
// at most 65536 chunks are walked before the data, and the data chunk
// (its size from ds64 for RF64) must lie within the file. A last partial
// frame is left out of the shape.
//
// # Concurrency
//
// The functions of this package may be called from several goroutines at
// once; a Header is a plain value that one goroutine at a time may change.
package wav
