package wav

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// dataAlign is the boundary the samples of a written file start on, so
// that a mapped view of any sample type is aligned.
const dataAlign = 16

// New returns the header of a WAV file of frames frames of channels
// interleaved samples of dtype dt at rate frames a second: uint8, int16,
// int32 or int64 samples are PCM, float32 and float64 IEEE float, as
// scipy.io.wavfile.write writes them. Big-endian samples make a RIFX file.
// The format tag is the plain PCM or IEEE float one; set FormatTag to
// Extensible (and ChannelMask) before encoding for WAVE_FORMAT_EXTENSIBLE.
//
// dtypes with no WAV sample format (int8, uint16 and wider unsigned
// integers, float16, complex) give an error.
func New(dt layout.DType, channels int, frames int64, rate int) (*Header, error) {
	var tag int
	switch {
	case dt.Kind == layout.Uint && dt.Size == 1,
		dt.Kind == layout.Int && (dt.Size == 2 || dt.Size == 4 || dt.Size == 8):
		tag = PCM
	case dt.Kind == layout.Float && (dt.Size == 4 || dt.Size == 8):
		tag = IEEEFloat
	default:
		return nil, fmt.Errorf("wav: dtype %v has no WAV sample format (uint8, int16, int32, int64, float32, float64)", dt)
	}
	if channels < 1 || channels > math.MaxUint16 || channels*dt.Size > math.MaxUint16 {
		return nil, fmt.Errorf("wav: %d channels of %d bytes do not fit a frame", channels, dt.Size)
	}
	if rate < 1 || int64(rate) > math.MaxUint32 || int64(rate)*int64(channels*dt.Size) > math.MaxUint32 {
		return nil, fmt.Errorf("wav: sample rate %d does not fit the fmt chunk", rate)
	}
	if frames < 0 || frames > math.MaxInt || frames > math.MaxInt64/int64(channels*dt.Size) {
		return nil, fmt.Errorf("wav: %d frames do not fit", frames)
	}
	container := "RIFF"
	if dt.Order == layout.BigEndian {
		container = "RIFX"
	}
	h := &Header{
		Container:     container,
		FormatTag:     tag,
		SubFormat:     tag,
		Channels:      channels,
		SampleRate:    rate,
		ByteRate:      rate * channels * dt.Size,
		BlockAlign:    channels * dt.Size,
		BitsPerSample: 8 * dt.Size,
		ValidBits:     8 * dt.Size,
		Frames:        frames,
	}
	shape := []int{int(frames)}
	if channels > 1 {
		shape = append(shape, channels)
	}
	h.Array = header.Header{DType: dt, Shape: shape}
	return h, nil
}

// Encode returns the bytes of h's chunks up to and including the data
// chunk's ID and size; the samples follow, Frames*BlockAlign bytes, then a
// pad byte if that is odd. A JUNK chunk (which readers skip) makes the
// samples start on a 16-byte boundary.
//
// A file whose sizes do not fit RIFF's 32 bits (samples past 4 GiB) is
// written as RF64: the sizes go in a ds64 chunk and the 32-bit fields say
// 0xFFFFFFFF. RIFX files cannot grow so; a big-endian file that large is an
// error. Encode also sets Container (to "RF64" when it must) and
// Array.DataOffset.
func (h *Header) Encode() ([]byte, error) {
	var o interface {
		binary.ByteOrder
		binary.AppendByteOrder
	} = binary.LittleEndian
	switch h.Container {
	case "RIFX":
		o = binary.BigEndian
	case "RIFF", "RF64", "BW64":
	default:
		return nil, fmt.Errorf("wav: container %q is not RIFF, RIFX, RF64 or BW64", h.Container)
	}
	if h.BlockAlign <= 0 || h.Frames < 0 || h.Frames > math.MaxInt64/int64(h.BlockAlign) {
		return nil, fmt.Errorf("wav: %d frames of %d bytes do not fit", h.Frames, h.BlockAlign)
	}
	dataSize := h.Frames * int64(h.BlockAlign)

	fmtChunk := make([]byte, 16, 40)
	o.PutUint16(fmtChunk[0:], uint16(h.FormatTag))
	o.PutUint16(fmtChunk[2:], uint16(h.Channels))
	o.PutUint32(fmtChunk[4:], uint32(h.SampleRate))
	o.PutUint32(fmtChunk[8:], uint32(h.ByteRate))
	o.PutUint16(fmtChunk[12:], uint16(h.BlockAlign))
	o.PutUint16(fmtChunk[14:], uint16(h.BitsPerSample))
	switch h.FormatTag {
	case Extensible:
		fmtChunk = fmtChunk[:40]
		o.PutUint16(fmtChunk[16:], 22)
		o.PutUint16(fmtChunk[18:], uint16(h.ValidBits))
		o.PutUint32(fmtChunk[20:], h.ChannelMask)
		o.PutUint32(fmtChunk[24:], uint32(h.SubFormat))
		copy(fmtChunk[28:], guidTail)
	case IEEEFloat:
		fmtChunk = append(fmtChunk, 0, 0) // cbSize 0, as non-PCM formats have it
	}

	const fact = 12 // the fact chunk that non-PCM formats carry: 8 + 4 bytes
	needFact := h.SubFormat != PCM
	base := int64(12 + 8 + len(fmtChunk) + 8) // RIFF header, fmt chunk, data chunk header
	if needFact {
		base += fact
	}
	rf64 := h.Container == "RF64" || h.Container == "BW64" || base+dataSize+dataSize&1 > math.MaxUint32 || h.Frames > math.MaxUint32
	if rf64 {
		if o == binary.BigEndian {
			return nil, fmt.Errorf("wav: a RIFX file cannot hold %d bytes of samples; RF64 is little-endian only", dataSize)
		}
		if h.Container != "BW64" {
			h.Container = "RF64"
		}
		base += 8 + 28
	}
	junk := int64(0)
	if base%dataAlign != 0 {
		junk = 8 + (dataAlign-(base+8)%dataAlign)%dataAlign
	}
	riffSize := base + junk + dataSize + dataSize&1 - 8

	b := make([]byte, 0, base+junk)
	b = append(b, h.Container...)
	b = o.AppendUint32(b, uint32(min(riffSize, sizeUnknown)))
	b = append(b, "WAVE"...)
	if rf64 {
		b = append(b, "ds64"...)
		b = o.AppendUint32(b, 28)
		b = o.AppendUint64(b, uint64(riffSize))
		b = o.AppendUint64(b, uint64(dataSize))
		b = o.AppendUint64(b, uint64(h.Frames))
		b = o.AppendUint32(b, 0) // no table of other chunk sizes
	}
	b = append(b, "fmt "...)
	b = o.AppendUint32(b, uint32(len(fmtChunk)))
	b = append(b, fmtChunk...)
	if needFact {
		b = append(b, "fact"...)
		b = o.AppendUint32(b, 4)
		b = o.AppendUint32(b, uint32(min(h.Frames, sizeUnknown)))
	}
	if junk > 0 {
		b = append(b, "JUNK"...)
		b = o.AppendUint32(b, uint32(junk-8))
		b = append(b, make([]byte, junk-8)...)
	}
	b = append(b, "data"...)
	if rf64 {
		b = o.AppendUint32(b, sizeUnknown)
	} else {
		b = o.AppendUint32(b, uint32(dataSize))
	}
	// What parses back must be the array h promises.
	got, err := Read(bytes.NewReader(b), int64(len(b))+dataSize)
	if err != nil {
		return nil, fmt.Errorf("wav: header fields do not describe samples: %w", err)
	}
	if !got.Array.DType.Equal(h.Array.DType) || !slices.Equal(got.Array.Shape, h.Array.Shape) {
		return nil, fmt.Errorf("wav: header fields describe %v of shape %v, not the Array's %v of shape %v",
			got.Array.DType, got.Array.Shape, h.Array.DType, h.Array.Shape)
	}
	h.Array.DataOffset = got.Array.DataOffset
	return b, nil
}
