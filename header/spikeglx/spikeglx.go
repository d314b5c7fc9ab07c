package spikeglx

import (
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// MaxMetaSize is the largest .meta file [Read] accepts. The meta of a
// probe with thousands of channels, with its imro table, channel map and
// geometry map, is a few hundred kilobytes.
const MaxMetaSize = 8 << 20

// maxChans bounds nSavedChans: far above any probe or NI-DAQ setup, and
// low enough that per-channel tables stay small.
const maxChans = 1 << 20

// ErrUnsupported is wrapped by the errors of [Meta.Channels] for a stream
// whose gains this package does not know how to find: a OneBox (obx)
// stream, or a probe type whose gain is neither in the imro table nor in
// imChan0apGain.
var ErrUnsupported = errors.New("spikeglx: unsupported")

// DType is the dtype of every SpikeGLX binary file: little-endian int16.
var DType = layout.DType{Kind: layout.Int, Order: layout.LittleEndian, Size: 2}

// Meta is a SpikeGLX .meta file: the fields that give the array's shape,
// decoded, and every field as text. The array is (samples, SavedChans) of
// little-endian int16, one row per time point, from byte 0 of the .bin.
type Meta struct {
	// Fields are the "key=value" lines in file order. Keys keep their
	// leading "~" (as in "~imroTbl"); a key given twice keeps both, and
	// [Meta.Value] returns the last.
	Fields []Field

	// Stream names the stream from the file name: "imec0.ap", "imec0.lf",
	// "nidq", "obx0"; empty for a Meta read from a reader, or a file not
	// named as SpikeGLX names them (run_g0_t0.imec0.ap.meta).
	Stream string

	SavedChans int     // nSavedChans: columns of the array
	FileSize   int64   // fileSizeBytes, or -1 when the meta has none
	SampleRate float64 // imSampRate, niSampRate or obSampRate (per Type); 0 if absent
}

// Field is one "key=value" line of a .meta file.
type Field struct {
	Key, Value string
	Offset     int64 // byte offset of the value in the .meta file, for error messages
}

// Value returns the value of the field key (with its "~" if it has one).
func (m *Meta) Value(key string) (string, bool) {
	f, ok := m.field(key)
	return f.Value, ok
}

func (m *Meta) field(key string) (Field, bool) {
	for i := len(m.Fields) - 1; i >= 0; i-- {
		if m.Fields[i].Key == key {
			return m.Fields[i], true
		}
	}
	return Field{}, false
}

// Type returns the stream type: the typeThis field ("imec", "nidq" or
// "obx"), else what the stream name or the fields present imply, else "".
func (m *Meta) Type() string {
	if t, ok := m.Value("typeThis"); ok {
		return t
	}
	switch s := m.Stream; {
	case strings.HasPrefix(s, "imec"):
		return "imec"
	case strings.HasPrefix(s, "nidq"):
		return "nidq"
	case strings.HasPrefix(s, "obx"):
		return "obx"
	}
	for _, t := range [...]struct{ key, typ string }{{"imAiRangeMax", "imec"}, {"niAiRangeMax", "nidq"}, {"obAiRangeMax", "obx"}} {
		if _, ok := m.Value(t.key); ok {
			return t.typ
		}
	}
	return ""
}

// Samples returns the number of time points in a .bin file of the given
// size: fileSizeBytes (or size, when the meta has no fileSizeBytes)
// divided by the bytes of one time point, rounded down as SpikeGLX's own
// readers do. It returns 0 when SavedChans is not positive.
func (m *Meta) Samples(size int64) int64 {
	if m.SavedChans <= 0 {
		return 0
	}
	if m.FileSize >= 0 {
		size = m.FileSize
	}
	return size / (2 * int64(m.SavedChans))
}

// Describe returns the array of a .bin file of the given size: int16
// little-endian of shape (samples, SavedChans) from byte 0, so that a
// *Meta is the [header.Describer] of its .bin file. A file shorter than
// fileSizeBytes gives a [*header.FormatError]; bytes after it are ignored.
func (m *Meta) Describe(_ io.ReaderAt, size int64) (*header.Header, error) {
	if m.SavedChans <= 0 {
		return nil, &header.FormatError{Format: "spikeglx", Msg: fmt.Sprintf("nSavedChans %d is not positive", m.SavedChans)}
	}
	if m.FileSize >= 0 && size < m.FileSize {
		f, _ := m.field("fileSizeBytes")
		return nil, &header.FormatError{Offset: size, Format: "spikeglx", Msg: fmt.Sprintf(".bin file is %d bytes, shorter than fileSizeBytes=%d (offset %d of the meta)", size, m.FileSize, f.Offset)}
	}
	n := m.Samples(size)
	if n > math.MaxInt {
		return nil, &header.FormatError{Format: "spikeglx", Msg: fmt.Sprintf("%d samples are too many for this platform", n)}
	}
	return header.Raw{DType: DType, Shape: []int{int(n), m.SavedChans}}.Describe(nil, size)
}

// ReadFile reads the SpikeGLX .meta file called name (not the .bin; see
// [MetaFile]) and names its stream from the file name.
func ReadFile(name string) (*Meta, error) {
	m, err := header.ReadFileWith(name, Read)
	if err != nil {
		return nil, err
	}
	m.Stream = StreamName(name)
	return m, nil
}

// StreamName returns the stream part of a SpikeGLX file name: what lies
// between the run's name (which has no dot) and the extension, as
// "imec0.ap" in run_g0_t0.imec0.ap.bin or "nidq" in run_g0_t0.nidq.meta.
func StreamName(name string) string {
	base := filepath.Base(name)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	_, s, _ := strings.Cut(base, ".")
	return s
}

// Read parses a .meta file of the given size from r. Lines are
// "key=value", split at the first "="; lines without "=" are skipped.
// nSavedChans is required and must be positive; fileSizeBytes, if
// present, must be a non-negative integer; the sample rate, if present,
// must be a positive number. Malformed values give a
// [*header.FormatError] at the value's byte offset. Gains and channel
// names are decoded later, by [Meta.Channels].
func Read(r io.ReaderAt, size int64) (*Meta, error) {
	if size < 0 || size > MaxMetaSize {
		return nil, &header.FormatError{Format: "spikeglx", Msg: fmt.Sprintf("meta file of %d bytes is over the %d-byte limit", size, MaxMetaSize)}
	}
	buf := make([]byte, size)
	n, err := r.ReadAt(buf, 0)
	if n < len(buf) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("spikeglx: reading the meta file: %w", err)
	}
	return parse(string(buf))
}

func parse(text string) (*Meta, error) {
	m := &Meta{FileSize: -1}
	for off := 0; off < len(text); {
		end := strings.IndexByte(text[off:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += off
		}
		line := strings.TrimSuffix(text[off:end], "\r")
		if k, v, ok := strings.Cut(line, "="); ok {
			key := strings.TrimSpace(k)
			val := strings.TrimSpace(v)
			voff := int64(off + len(k) + 1 + strings.Index(v, val))
			if key != "" {
				m.Fields = append(m.Fields, Field{Key: key, Value: val, Offset: voff})
			}
		}
		off = end + 1
	}
	end := int64(len(text))
	f, ok := m.field("nSavedChans")
	if !ok {
		return nil, &header.FormatError{Offset: end, Format: "spikeglx", Msg: "nSavedChans is missing"}
	}
	c, err := strconv.ParseInt(f.Value, 10, 64)
	if err != nil || c <= 0 || c > maxChans {
		return nil, &header.FormatError{Offset: f.Offset, Format: "spikeglx", Msg: fmt.Sprintf("nSavedChans %q is not a channel count from 1 to %d", f.Value, maxChans)}
	}
	m.SavedChans = int(c)
	if f, ok := m.field("fileSizeBytes"); ok {
		n, err := strconv.ParseInt(f.Value, 10, 64)
		if err != nil || n < 0 {
			return nil, &header.FormatError{Offset: f.Offset, Format: "spikeglx", Msg: fmt.Sprintf("fileSizeBytes %q is not a byte count", f.Value)}
		}
		m.FileSize = n
	}
	key := map[string]string{"imec": "imSampRate", "nidq": "niSampRate", "obx": "obSampRate"}[m.Type()]
	for _, k := range []string{key, "imSampRate", "niSampRate", "obSampRate"} {
		f, ok := m.field(k)
		if k == "" || !ok {
			continue
		}
		r, err := strconv.ParseFloat(f.Value, 64)
		if err != nil || !(r > 0) || math.IsInf(r, 0) {
			return nil, &header.FormatError{Offset: f.Offset, Format: "spikeglx", Msg: fmt.Sprintf("%s %q is not a sample rate", k, f.Value)}
		}
		m.SampleRate = r
		break
	}
	return m, nil
}
