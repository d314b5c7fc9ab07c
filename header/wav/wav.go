package wav

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// Format tags of the fmt chunk that this package reads.
const (
	PCM        = 0x0001 // integer samples: unsigned 8-bit, signed wider
	IEEEFloat  = 0x0003 // float32 or float64 samples
	Extensible = 0xFFFE // WAVE_FORMAT_EXTENSIBLE: the sample format is in SubFormat
)

// maxChunks bounds the chunks walked before the data chunk.
const maxChunks = 1 << 16

// sizeUnknown is the 32-bit chunk size by which RF64 says "see ds64".
const sizeUnknown = 0xFFFFFFFF

// Chunk is a RIFF chunk before the data chunk: its four-character ID, and
// its content of Size bytes at Offset (after the 8 bytes of ID and size).
type Chunk struct {
	ID     string
	Offset int64
	Size   int64
}

// Header is what a WAV file's chunks say about its samples.
type Header struct {
	// Array is where the samples start, their dtype and their shape:
	// (frames, channels) in C order, interleaved as the file stores them,
	// or (frames,) for one channel, as scipy.io.wavfile.read returns them.
	// For packed samples described as bytes (see [Describer]), a last
	// axis of the container's bytes is added.
	Array header.Header

	Container     string // "RIFF", "RIFX" (big-endian), "RF64" or "BW64" (64-bit sizes from the ds64 chunk)
	FormatTag     int    // from the fmt chunk: PCM, IEEEFloat or Extensible
	SubFormat     int    // PCM or IEEEFloat: the format tag, or for Extensible the one its SubFormat GUID names
	Channels      int
	SampleRate    int
	ByteRate      int
	BlockAlign    int // bytes per frame
	BitsPerSample int // bits of each sample's container as the fmt chunk gives them
	ValidBits     int // bits of each sample that are significant: wValidBitsPerSample of Extensible, else BitsPerSample
	ChannelMask   uint32
	Frames        int64
	Packed        bool    // samples of 3, 5, 6 or 7 bytes, described as bytes
	Chunks        []Chunk // the chunks before the data chunk, fmt included
}

// ByteOrder returns the order of the samples: big-endian for RIFX files,
// little-endian otherwise.
func (h *Header) ByteOrder() layout.ByteOrder {
	if h.Container == "RIFX" {
		return layout.BigEndian
	}
	return layout.LittleEndian
}

// Describer is the [header.Describer] of WAV files.
//
// Samples whose container is 3, 5, 6 or 7 bytes (24-bit PCM, most often)
// have no dtype: scipy.io.wavfile widens them to int32 or int64, which
// needs a copy, and a view of the file cannot widen. The zero Describer
// refuses them with an error wrapping layout.ErrUnsupported. With
// PackedAsBytes set it describes them instead as uint8 with a last axis of
// the container's bytes, (frames, channels, 3) for 24-bit samples, which
// maps without a copy; a sample's value is then the bytes read as a
// signed integer in the file's byte order.
type Describer struct {
	PackedAsBytes bool
}

// Describe reads the chunks of a WAV file of the given size up to its data
// chunk and returns where the samples are.
func (d Describer) Describe(r io.ReaderAt, size int64) (*header.Header, error) {
	h, err := d.Read(r, size)
	if err != nil {
		return nil, err
	}
	return &h.Array, nil
}

// ReadFile reads the header of the WAV file called name, with the zero
// Describer.
func ReadFile(name string) (*Header, error) {
	return header.ReadFileWith(name, Read)
}

// Read reads the header of a WAV file of the given size with the zero
// Describer. It is Describer{}.Read.
func Read(r io.ReaderAt, size int64) (*Header, error) { return Describer{}.Read(r, size) }

// fail returns a FormatError at byte off whose message starts with the
// package name.
func fail(off int64, format string, args ...any) *header.FormatError {
	return &header.FormatError{Offset: off, Format: "wav", Msg: fmt.Sprintf(format, args...)}
}

func unsupported(off int64, format string, args ...any) *header.FormatError {
	e := fail(off, format, args...)
	e.Err = layout.ErrUnsupported
	return e
}

// Read walks the chunks of a WAV file of the given size, from the RIFF (or
// RIFX, RF64, BW64) header to the data chunk, and returns the header its
// fmt chunk and data chunk give. The data chunk must lie within the file;
// a last partial frame is left out. Chunks after the data are not read.
//
// Malformed input gives a [*header.FormatError] naming the chunk field and
// its offset; sample formats that cannot be mapped (compressed ones,
// A-law and µ-law, packed samples unless PackedAsBytes) give one that also
// wraps layout.ErrUnsupported.
func (d Describer) Read(r io.ReaderAt, size int64) (*Header, error) {
	var b [12]byte
	if size < 12 {
		return nil, fail(0, "file is %d bytes, too short for a RIFF header", size)
	}
	if err := readFull(r, b[:], 0); err != nil {
		return nil, err
	}
	h := &Header{Container: string(b[:4])}
	switch h.Container {
	case "RIFF", "RF64", "BW64":
	case "RIFX":
	default:
		return nil, fail(0, "file starts %q, not RIFF, RIFX, RF64 or BW64", b[:4])
	}
	if string(b[8:12]) != "WAVE" {
		return nil, fail(8, "RIFF form type is %q, not WAVE", b[8:12])
	}
	o := h.ByteOrder().Binary()
	sixtyFour := h.Container == "RF64" || h.Container == "BW64"
	var ds64Data int64 = -1
	var fmtChunk []byte
	var fmtOff int64
	off := int64(12)
	for range maxChunks {
		var c [8]byte
		if size-off < 8 {
			return nil, fail(off, "no data chunk before the end of the file")
		}
		if err := readFull(r, c[:], off); err != nil {
			return nil, err
		}
		id := string(c[:4])
		n := int64(o.Uint32(c[4:]))
		body := off + 8
		if id == "data" {
			if fmtChunk == nil {
				return nil, fail(off, "data chunk comes before the fmt chunk")
			}
			if sixtyFour && n == sizeUnknown {
				if ds64Data < 0 {
					return nil, fail(off+4, "data chunk size is 0xFFFFFFFF but the file has no ds64 chunk")
				}
				n = ds64Data
			}
			if err := h.parseFmt(fmtChunk, fmtOff, o); err != nil {
				return nil, err
			}
			return h, h.describe(d, body, n, size, off+4)
		}
		if n > size-body {
			return nil, fail(off+4, "%q chunk of %d bytes runs past the end of the %d-byte file", id, n, size)
		}
		switch {
		case id == "ds64" && sixtyFour && len(h.Chunks) == 0:
			if n < 24 {
				return nil, fail(off+4, "ds64 chunk is %d bytes, shorter than its 24 bytes of sizes", n)
			}
			var s [16]byte
			if err := readFull(r, s[:], body); err != nil {
				return nil, err
			}
			ds64Data = int64(binary.LittleEndian.Uint64(s[8:]))
			if ds64Data < 0 {
				return nil, fail(body+8, "ds64 data size %d does not fit in 63 bits", uint64(ds64Data))
			}
		case id == "fmt " && fmtChunk == nil:
			if n < 16 || n > 1<<16 {
				return nil, fail(off+4, "fmt chunk is %d bytes, not 16 to 65536", n)
			}
			fmtChunk, fmtOff = make([]byte, n), body
			if err := readFull(r, fmtChunk, body); err != nil {
				return nil, err
			}
		}
		h.Chunks = append(h.Chunks, Chunk{ID: id, Offset: body, Size: n})
		off = body + n + n&1 // chunks are padded to an even size
	}
	return nil, fail(off, "more than %d chunks before the data chunk", maxChunks)
}

func readFull(r io.ReaderAt, p []byte, off int64) error {
	if n, err := r.ReadAt(p, off); n < len(p) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("wav: reading at byte %d: %w", off, err)
	}
	return nil
}

// The GUID that follows the format tag in an Extensible SubFormat:
// xxxxxxxx-0000-0010-8000-00aa00389b71.
var guidTail = []byte{0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// parseFmt decodes the fmt chunk b found at offset off.
func (h *Header) parseFmt(b []byte, off int64, o binary.ByteOrder) error {
	h.FormatTag = int(o.Uint16(b[0:]))
	h.Channels = int(o.Uint16(b[2:]))
	h.SampleRate = int(o.Uint32(b[4:]))
	h.ByteRate = int(o.Uint32(b[8:]))
	h.BlockAlign = int(o.Uint16(b[12:]))
	h.BitsPerSample = int(o.Uint16(b[14:]))
	h.ValidBits = h.BitsPerSample
	h.SubFormat = h.FormatTag
	if h.FormatTag == Extensible {
		if len(b) < 40 || o.Uint16(b[16:]) < 22 {
			return fail(off+16, "WAVE_FORMAT_EXTENSIBLE fmt chunk is %d bytes, without the 22-byte extension", len(b))
		}
		h.ValidBits = int(o.Uint16(b[18:]))
		h.ChannelMask = o.Uint32(b[20:])
		guid := b[24:40]
		tail := guidTail
		if o == binary.BigEndian {
			// scipy reads RIFX GUIDs with the second and third fields
			// swapped too.
			tail = []byte{0x00, 0x00, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}
		}
		if string(guid[4:]) != string(tail) {
			return unsupported(off+24, "SubFormat GUID % x is not a standard WAVE format", guid)
		}
		h.SubFormat = int(o.Uint32(guid[:4]))
	}
	if h.Channels == 0 {
		return fail(off+2, "channel count is 0")
	}
	if h.BlockAlign == 0 || h.BlockAlign%h.Channels != 0 {
		return fail(off+12, "block align %d is not a whole number of bytes for each of %d channels", h.BlockAlign, h.Channels)
	}
	return nil
}

// describe sets h.Array for n bytes of samples at off in a file of the
// given size; sizeOff is where the data chunk's size lies, for errors.
func (h *Header) describe(d Describer, off, n, size, sizeOff int64) error {
	if n > size-off {
		return fail(sizeOff, "data chunk of %d bytes runs past the end of the %d-byte file", n, size)
	}
	width := h.BlockAlign / h.Channels
	order := h.ByteOrder()
	var dt layout.DType
	switch h.SubFormat {
	case PCM:
		switch {
		case h.BitsPerSample >= 1 && h.BitsPerSample <= 8 && width == 1:
			dt = layout.Uint8 // 8-bit WAV samples are unsigned, offset by 128
		case width == 2 || width == 4 || width == 8:
			dt = layout.DType{Kind: layout.Int, Order: order, Size: width}
		case width == 3 || width == 5 || width == 6 || width == 7:
			if !d.PackedAsBytes {
				return unsupported(sizeOff-4, "%d-bit PCM samples in %d-byte containers have no dtype; scipy widens them, which a mapped view cannot (see Describer.PackedAsBytes)", h.BitsPerSample, width)
			}
			dt, h.Packed = layout.Uint8, true
		default:
			return unsupported(sizeOff-4, "PCM samples of %d bits in %d-byte containers are not supported", h.BitsPerSample, width)
		}
	case IEEEFloat:
		if h.BitsPerSample != 8*width || (width != 4 && width != 8) {
			return unsupported(sizeOff-4, "float samples of %d bits in %d-byte containers are not supported", h.BitsPerSample, width)
		}
		dt = layout.DType{Kind: layout.Float, Order: order, Size: width}
	default:
		return unsupported(sizeOff-4, "format tag 0x%04x is not linear PCM or IEEE float: compressed or encoded samples cannot be mapped", h.SubFormat)
	}
	h.Frames = n / int64(h.BlockAlign)
	if h.Frames > math.MaxInt {
		return fail(sizeOff, "%d frames are too many for this platform", h.Frames)
	}
	shape := []int{int(h.Frames)}
	if h.Channels > 1 {
		shape = append(shape, h.Channels)
	}
	if h.Packed {
		shape = append(shape, width)
	}
	h.Array = header.Header{DType: dt, Shape: shape, DataOffset: off}
	return nil
}

func init() {
	header.RegisterFormat(header.Format{
		Name:       "wav",
		Extensions: []string{".wav", ".wave", ".rf64", ".bwf"},
		Match: func(_ string, head []byte) bool {
			if len(head) < 12 || string(head[8:12]) != "WAVE" {
				return false
			}
			switch string(head[:4]) {
			case "RIFF", "RIFX", "RF64", "BW64":
				return true
			}
			return false
		},
		Describer: func(string) (header.Describer, error) { return Describer{}, nil },
	})
}
