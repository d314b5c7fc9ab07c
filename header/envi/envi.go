package envi

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// MaxHeaderSize is the largest .hdr file [Read] accepts. Headers listing a
// wavelength, a width and a name for each of thousands of bands run to a
// few hundred kilobytes; nothing legitimate comes near this.
const MaxHeaderSize = 4 << 20

// ErrUnsupported is wrapped by the [*header.FormatError] of a well-formed
// header whose data cannot be mapped as one array: compressed data, frame
// offsets, or a data type with no fixed-size number behind it.
var ErrUnsupported = errors.New("envi: unsupported")

// Interleave is how an ENVI file orders its lines, samples and bands, and
// so the axis order of the array.
type Interleave uint8

// The three interleaves. The array's shape is, in C order,
// (bands, lines, samples) for BSQ, (lines, bands, samples) for BIL and
// (lines, samples, bands) for BIP, as spectral's open_memmap presents them
// with interleave="source".
const (
	BSQ Interleave = iota // band sequential
	BIL                   // band interleaved by line
	BIP                   // band interleaved by pixel
)

var interleaveNames = [...]string{BSQ: "bsq", BIL: "bil", BIP: "bip"}

// String returns the interleave as the header writes it: "bsq", "bil" or "bip".
func (il Interleave) String() string {
	if int(il) < len(interleaveNames) {
		return interleaveNames[il]
	}
	return fmt.Sprintf("Interleave(%d)", il)
}

// SpectralLibrary is the file type of an ENVI spectral library: one band
// whose lines are spectra and whose samples are the spectrum's bands. Its
// array is two-dimensional, (lines, samples), as spectral presents it.
const SpectralLibrary = "ENVI Spectral Library"

// Header is an ENVI header: the fields that place and shape the array,
// decoded, and every other field as text.
type Header struct {
	Samples      int          // pixels in a line: the fastest image axis
	Lines        int          // lines in the image
	Bands        int          // bands (images) in the file
	DType        layout.DType // from "data type" and "byte order"
	Interleave   Interleave
	HeaderOffset int64 // bytes before the data in the data file

	// FileType is the "file type" field, such as "ENVI Standard" or
	// [SpectralLibrary]; empty when the header has none.
	FileType string

	// Description is the text of the "description" field, without its
	// braces and with each line's surrounding spaces removed.
	Description string

	// Fields are the header's other fields, in the order they first appear,
	// with keys in lower case (ENVI's keys are case-insensitive) and values
	// as written, a braced list keeping its braces. A key given twice keeps
	// its first place and its last value.
	Fields []Field
}

// Field is one "key = value" entry of an ENVI header.
type Field struct {
	Key   string
	Value string // the text after "=", trimmed; a list spanning lines keeps its line breaks
	// Offset is the byte offset of the value in the .hdr file it was read
	// from, for error messages; 0 for fields set in code.
	Offset int64
}

// supported maps ENVI data type codes to dtypes (byte order aside). The
// codes with no entry in it but a name in typeNames are ENVI's own but
// hold no plain numbers.
var supported = map[int]layout.DType{
	1:  layout.Uint8,
	2:  layout.Int16,
	3:  layout.Int32,
	4:  layout.Float32,
	5:  layout.Float64,
	6:  layout.Complex64,
	9:  layout.Complex128,
	12: layout.Uint16,
	13: layout.Uint32,
	14: layout.Int64,
	15: layout.Uint64,
}

var typeNames = map[int]string{
	0:  "undefined",
	7:  "string",
	8:  "structure",
	10: "pointer",
	11: "object",
}

// typeCode returns the ENVI data type code of dt, ignoring its byte order.
func typeCode(dt layout.DType) (int, bool) {
	for code, d := range supported {
		if d.Kind == dt.Kind && d.Size == dt.Size && dt.Unit == "" && len(dt.Fields) == 0 {
			return code, true
		}
	}
	return 0, false
}

// Shape returns the array's shape in C order: (bands, lines, samples),
// (lines, bands, samples) or (lines, samples, bands) by interleave, and
// (lines, samples) for a spectral library.
func (h *Header) Shape() []int {
	if h.isLibrary() {
		return []int{h.Lines, h.Samples}
	}
	switch h.Interleave {
	case BIL:
		return []int{h.Lines, h.Bands, h.Samples}
	case BIP:
		return []int{h.Lines, h.Samples, h.Bands}
	}
	return []int{h.Bands, h.Lines, h.Samples}
}

func (h *Header) isLibrary() bool { return strings.EqualFold(h.FileType, SpectralLibrary) }

// Array returns the array the header describes in its data file: the
// dtype, the [Header.Shape] in C order, and the header offset. It does not
// look at the data file; [Header.Describe] does.
func (h *Header) Array() *header.Header {
	return &header.Header{DType: h.DType, Shape: h.Shape(), DataOffset: h.HeaderOffset}
}

// Describe checks that a data file of the given size holds the array the
// header describes and returns it, so that a *Header is the
// [header.Describer] of its data file. Bytes after the data are allowed,
// as ENVI allows them.
func (h *Header) Describe(_ io.ReaderAt, size int64) (*header.Header, error) {
	if h.HeaderOffset < 0 {
		return nil, &header.FormatError{Format: "envi", Msg: fmt.Sprintf("header offset %d is negative", h.HeaderOffset)}
	}
	for _, d := range h.Shape() {
		if d < 0 {
			return nil, &header.FormatError{Format: "envi", Msg: fmt.Sprintf("shape %v has a negative dimension", h.Shape())}
		}
	}
	return header.Raw{Offset: h.HeaderOffset, DType: h.DType, Shape: h.Shape()}.Describe(nil, size)
}

// Value returns the value of the field key (in lower case) among
// [Header.Fields].
func (h *Header) Value(key string) (string, bool) {
	f, ok := h.field(key)
	return f.Value, ok
}

func (h *Header) field(key string) (Field, bool) {
	for _, f := range h.Fields {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// List returns the items of the field key: the comma-separated items of a
// braced value, each trimmed, or the value itself when it has no braces.
// It returns nil when the header has no such field.
func (h *Header) List(key string) []string {
	f, ok := h.field(key)
	if !ok {
		return nil
	}
	return splitList(f.Value)
}

func splitList(v string) []string {
	inner, ok := braced(v)
	if !ok {
		return []string{v}
	}
	items := strings.Split(inner, ",")
	for i, s := range items {
		items[i] = strings.TrimSpace(s)
	}
	return items
}

// braced returns the text inside the braces of a value "{...}".
func braced(v string) (string, bool) {
	if len(v) >= 2 && v[0] == '{' && v[len(v)-1] == '}' {
		return v[1 : len(v)-1], true
	}
	return "", false
}

// Floats returns the items of the field key as numbers, such as the
// "wavelength", "fwhm", "data gain values" or "data offset values" of each
// band. It returns nil and no error when the header has no such field, and
// a [*header.FormatError] when an item is not a number.
func (h *Header) Floats(key string) ([]float64, error) {
	f, ok := h.field(key)
	if !ok {
		return nil, nil
	}
	items := splitList(f.Value)
	v := make([]float64, len(items))
	for i, s := range items {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, &header.FormatError{Offset: f.Offset, Format: "envi", Msg: fmt.Sprintf("%s item %d %q is not a number", key, i, s)}
		}
		v[i] = x
	}
	return v, nil
}

// BandNames returns the "band names" list, or nil when the header has none.
func (h *Header) BandNames() []string { return h.List("band names") }

// Wavelengths returns the "wavelength" list (the centre of each band, in
// the "wavelength units" field's unit), or nil when the header has none.
func (h *Header) Wavelengths() ([]float64, error) { return h.Floats("wavelength") }

// Set sets the field key (made lower case) to value, replacing an earlier
// value in place or adding the field at the end. Fields with typed
// counterparts in [Header] ("samples", "data type", "description" and the
// like) are refused by [Header.Encode]; set those in the struct.
func (h *Header) Set(key, value string) {
	key = strings.ToLower(strings.TrimSpace(key))
	for i := range h.Fields {
		if h.Fields[i].Key == key {
			h.Fields[i].Value = value
			return
		}
	}
	h.Fields = append(h.Fields, Field{Key: key, Value: value})
}

// SetList sets the field key to the braced list of items, as in
// "band names = { red , green , blue }". ENVI lists have no quoting: an
// item holding a comma reads back as two items, and spectral writes such
// commas as "-" instead.
func (h *Header) SetList(key string, items ...string) {
	h.Set(key, "{ "+strings.Join(items, " , ")+" }")
}

// ReadFile reads the ENVI header file called name (the .hdr, not the data
// file; see [HeaderFile]).
func ReadFile(name string) (*Header, error) {
	h, err := header.ReadFileWith(name, Read)
	if err != nil {
		return nil, err
	}
	return h, nil
}

// Read parses an ENVI header of the given size from r.
//
// The header must begin with a line starting "ENVI". Lines without "=" and
// lines starting with ";" are skipped; a value starting with "{" runs on
// over further lines until one ends with "}". The fields samples, lines,
// bands and data type are required; byte order too unless items are
// single bytes, and interleave unless there is a single band (which makes
// the three interleaves the same bytes). header offset defaults to 0.
//
// Malformed headers give a [*header.FormatError] with the byte offset in
// the header text; headers whose data cannot be mapped (compressed, frame
// offsets, a data type such as string or pointer) give one that also wraps
// [ErrUnsupported].
func Read(r io.ReaderAt, size int64) (*Header, error) {
	if size < 0 || size > MaxHeaderSize {
		return nil, &header.FormatError{Format: "envi", Msg: fmt.Sprintf("header of %d bytes is over the %d-byte limit", size, MaxHeaderSize)}
	}
	buf := make([]byte, size)
	n, err := r.ReadAt(buf, 0)
	if n < len(buf) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("envi: reading the header: %w", err)
	}
	return parse(string(buf))
}

// raw is one field as parsed, before decoding.
type raw struct {
	value string
	off   int64
}

// parse decodes header text. Keys, lines and braces follow spectral's
// read_envi_header, which in turn follows ENVI's own description of the
// format; where spectral reads a bad value as something else (an unknown
// interleave as bsq, a byte order of 2 as big-endian) parse refuses it.
func parse(text string) (*Header, error) {
	lines, offs := splitLines(text)
	if len(lines) == 0 || !strings.HasPrefix(strings.TrimSpace(lines[0]), "ENVI") {
		return nil, &header.FormatError{Format: "envi", Msg: `first line does not start with "ENVI"`}
	}
	var order []string
	fields := map[string]raw{}
	for i := 1; i < len(lines); i++ {
		line := lines[i]
		eq := strings.IndexByte(line, '=')
		if eq < 0 || strings.HasPrefix(strings.TrimSpace(line), ";") {
			continue
		}
		key := strings.ToLower(strings.TrimSpace(line[:eq]))
		val := strings.TrimSpace(line[eq+1:])
		off := offs[i] + int64(eq+1+strings.Index(line[eq+1:], val))
		if key == "" {
			continue
		}
		if strings.HasPrefix(val, "{") {
			start := i
			for !strings.HasSuffix(val, "}") {
				i++
				if i >= len(lines) {
					return nil, &header.FormatError{Offset: offs[start], Format: "envi", Msg: fmt.Sprintf("%s: brace not closed before the end of the header", key)}
				}
				l := strings.TrimSpace(lines[i])
				if strings.HasPrefix(l, ";") {
					continue
				}
				val += "\n" + l
			}
		}
		if _, dup := fields[key]; !dup {
			order = append(order, key)
		}
		fields[key] = raw{val, off}
	}
	end := int64(len(text))
	d := decoder{fields: fields, end: end}
	h := &Header{
		Samples: d.dim("samples"),
		Lines:   d.dim("lines"),
		Bands:   d.dim("bands"),
	}
	code := d.int("data type", -1, true)
	if d.err != nil {
		return nil, d.err
	}
	dt, ok := supported[int(code)]
	if !ok {
		f := fields["data type"]
		if name, known := typeNames[int(code)]; known {
			return nil, &header.FormatError{Offset: f.off, Format: "envi", Msg: fmt.Sprintf("data type %d (%s) holds no plain numbers", code, name), Err: ErrUnsupported}
		}
		return nil, &header.FormatError{Offset: f.off, Format: "envi", Msg: fmt.Sprintf("data type %d is not an ENVI data type", code)}
	}
	if dt.Size > 1 {
		switch d.int("byte order", -1, true) {
		case 0:
			dt.Order = layout.LittleEndian
		case 1:
			dt.Order = layout.BigEndian
		default:
			if d.err == nil {
				d.err = &header.FormatError{Offset: fields["byte order"].off, Format: "envi", Msg: fmt.Sprintf("byte order %q is neither 0 (little-endian) nor 1 (big-endian)", fields["byte order"].value)}
			}
		}
	} else if f, ok := fields["byte order"]; ok && f.value != "0" && f.value != "1" {
		d.err = &header.FormatError{Offset: f.off, Format: "envi", Msg: fmt.Sprintf("byte order %q is neither 0 (little-endian) nor 1 (big-endian)", f.value)}
	}
	h.DType = dt
	h.HeaderOffset = d.int("header offset", 0, false)
	if f, ok := fields["interleave"]; ok {
		switch strings.ToLower(f.value) {
		case "bsq":
			h.Interleave = BSQ
		case "bil":
			h.Interleave = BIL
		case "bip":
			h.Interleave = BIP
		default:
			d.fail(f.off, "interleave %q is not bsq, bil or bip", f.value)
		}
	} else if h.Bands != 1 {
		d.fail(end, "interleave is missing, and with %d bands it decides the axis order", h.Bands)
	}
	if f, ok := fields["file type"]; ok {
		h.FileType = f.value
	}
	if f, ok := fields["description"]; ok {
		h.Description = f.value
		if strings.HasPrefix(f.value, "{") {
			// As spectral does: drop the braces, then the space inside them.
			h.Description = strings.TrimSpace(strings.Trim(f.value, "{}"))
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	if err := checkMappable(fields, h); err != nil {
		return nil, err
	}
	if _, err := layout.ByteSize(h.Shape(), h.DType.Size); err != nil {
		return nil, &header.FormatError{Offset: fields["samples"].off, Format: "envi", Msg: fmt.Sprintf("%d samples, %d lines and %d bands of %d bytes", h.Samples, h.Lines, h.Bands, h.DType.Size), Err: err}
	}
	for _, k := range order {
		if !isTyped(k) {
			h.Fields = append(h.Fields, Field{Key: k, Value: fields[k].value, Offset: fields[k].off})
		}
	}
	return h, nil
}

// checkMappable refuses headers whose data is not one plain array in the
// data file.
func checkMappable(fields map[string]raw, h *Header) error {
	if f, ok := fields["file compression"]; ok && f.value != "0" {
		return &header.FormatError{Offset: f.off, Format: "envi", Msg: fmt.Sprintf("file compression = %s: compressed data cannot be mapped", f.value), Err: ErrUnsupported}
	}
	for _, k := range []string{"major frame offsets", "minor frame offsets"} {
		f, ok := fields[k]
		if !ok {
			continue
		}
		for _, s := range splitList(f.value) {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return &header.FormatError{Offset: f.off, Format: "envi", Msg: fmt.Sprintf("%s item %q is not an integer", k, s)}
			}
			if n != 0 {
				return &header.FormatError{Offset: f.off, Format: "envi", Msg: fmt.Sprintf("%s %s put gaps between the data's frames", k, f.value), Err: ErrUnsupported}
			}
		}
	}
	if h.isLibrary() && h.Bands != 1 {
		return &header.FormatError{Offset: fields["bands"].off, Format: "envi", Msg: fmt.Sprintf("a spectral library with %d bands, not 1", h.Bands), Err: ErrUnsupported}
	}
	return nil
}

// typedKeys are the fields [Header] holds in its own struct fields.
var typedKeys = []string{"description", "samples", "lines", "bands", "header offset",
	"file type", "data type", "interleave", "byte order"}

func isTyped(key string) bool { return slices.Contains(typedKeys, key) }

// splitLines splits text at "\n" (dropping a "\r" before it) and returns
// each line with the byte offset where it starts.
func splitLines(text string) ([]string, []int64) {
	var lines []string
	var offs []int64
	for off := 0; off < len(text); {
		n := strings.IndexByte(text[off:], '\n')
		end := off + n
		if n < 0 {
			end = len(text)
		}
		lines = append(lines, strings.TrimSuffix(text[off:end], "\r"))
		offs = append(offs, int64(off))
		off = end + 1
	}
	return lines, offs
}

// decoder reads numeric fields, keeping the first error.
type decoder struct {
	fields map[string]raw
	end    int64
	err    error
}

func (d *decoder) fail(off int64, format string, args ...any) {
	if d.err == nil {
		d.err = &header.FormatError{Offset: off, Format: "envi", Msg: fmt.Sprintf(format, args...)}
	}
}

// int returns the integer field key, def when it is absent and not
// required.
func (d *decoder) int(key string, def int64, required bool) int64 {
	f, ok := d.fields[key]
	if !ok {
		if required {
			d.fail(d.end, "%s is missing", key)
		}
		return def
	}
	n, err := strconv.ParseInt(f.value, 10, 64)
	if err != nil {
		d.fail(f.off, "%s %q is not an integer", key, f.value)
		return def
	}
	if n < 0 {
		d.fail(f.off, "%s %d is negative", key, n)
		return def
	}
	return n
}

// dim returns a required dimension.
func (d *decoder) dim(key string) int {
	n := d.int(key, 0, true)
	if n > math.MaxInt {
		d.fail(d.fields[key].off, "%s %d is too large for this platform", key, n)
		return 0
	}
	return int(n)
}
