package envi

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ndmap/ndmap/layout"
)

// New returns the header of an ENVI Standard image of dtype dt whose array
// has the given shape in the interleave's axis order (see [Interleave]),
// with its data at the start of the data file. Its byte order is dt's.
//
// New returns an error if ENVI has no data type for dt (int8, float16,
// bool, strings and records have none). It panics if shape does not have
// three dimensions or has a negative one.
func New(dt layout.DType, shape []int, il Interleave) (*Header, error) {
	if len(shape) != 3 {
		panic(fmt.Sprintf("envi: New with shape %v, not three dimensions", shape))
	}
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("envi: New with negative dimension in shape %v", shape))
		}
	}
	if _, ok := typeCode(dt); !ok {
		return nil, fmt.Errorf("envi: no ENVI data type holds %v", dt)
	}
	h := &Header{DType: dt, Interleave: il, FileType: "ENVI Standard"}
	switch il {
	case BSQ:
		h.Bands, h.Lines, h.Samples = shape[0], shape[1], shape[2]
	case BIL:
		h.Lines, h.Bands, h.Samples = shape[0], shape[1], shape[2]
	case BIP:
		h.Lines, h.Samples, h.Bands = shape[0], shape[1], shape[2]
	default:
		panic(fmt.Sprintf("envi: New with invalid interleave %d", il))
	}
	return h, nil
}

// Encode returns the header as .hdr text: "ENVI", the fields of the struct
// in the order spectral writes them, then [Header.Fields] in order. Reading
// the text back with [Read] gives the same header (field offsets aside).
//
// Encode returns an error if the header cannot be written so that it reads
// back the same: a negative dimension or offset, a dtype ENVI has no code
// for, a description line ending in "}" or starting with ";", a field whose key is empty, holds
// "=" or a line break, starts with ";" or names a struct field, or a value
// that would end early or run on when read back.
func (h *Header) Encode() ([]byte, error) {
	code, ok := typeCode(h.DType)
	if !ok {
		return nil, fmt.Errorf("envi: no ENVI data type holds %v", h.DType)
	}
	if h.Samples < 0 || h.Lines < 0 || h.Bands < 0 || h.HeaderOffset < 0 {
		return nil, fmt.Errorf("envi: negative size: %d samples, %d lines, %d bands, header offset %d", h.Samples, h.Lines, h.Bands, h.HeaderOffset)
	}
	if h.Interleave > BIP {
		return nil, fmt.Errorf("envi: invalid interleave %d", h.Interleave)
	}
	if h.isLibrary() && h.Bands != 1 {
		return nil, fmt.Errorf("envi: a spectral library with %d bands, not 1", h.Bands)
	}
	var b strings.Builder
	b.WriteString("ENVI\n")
	if h.Description != "" {
		lines := strings.Split(h.Description, "\n")
		for i, l := range lines {
			lines[i] = strings.TrimSpace(l)
			if strings.HasPrefix(lines[i], ";") {
				return nil, fmt.Errorf("envi: description line %q would read as a comment", l)
			}
			if strings.HasSuffix(lines[i], "}") || i == len(lines)-1 && strings.HasSuffix(lines[i], "{") {
				// A "}" ends the description early; reading drops braces at
				// the very end.
				return nil, fmt.Errorf("envi: description line %q ends in a brace", l)
			}
		}
		b.WriteString("description = {\n  " + strings.Join(lines, "\n  ") + "}\n")
	}
	order := 0
	if h.DType.Order == layout.BigEndian {
		order = 1
	}
	fmt.Fprintf(&b, "samples = %d\nlines = %d\nbands = %d\nheader offset = %d\n", h.Samples, h.Lines, h.Bands, h.HeaderOffset)
	if h.FileType != "" {
		if err := checkValue("file type", h.FileType); err != nil {
			return nil, err
		}
		b.WriteString("file type = " + h.FileType + "\n")
	}
	fmt.Fprintf(&b, "data type = %d\ninterleave = %s\nbyte order = %d\n", code, h.Interleave, order)
	seen := make(map[string]bool, len(h.Fields))
	for _, f := range h.Fields {
		if f.Key == "" || f.Key != strings.ToLower(strings.TrimSpace(f.Key)) || strings.ContainsAny(f.Key, "=\n") || strings.HasPrefix(f.Key, ";") {
			return nil, fmt.Errorf("envi: field key %q must be lower case, trimmed, and without \"=\", line breaks or a leading \";\"", f.Key)
		}
		if seen[f.Key] {
			return nil, fmt.Errorf("envi: field %q is given twice", f.Key)
		}
		seen[f.Key] = true
		if isTyped(f.Key) {
			return nil, fmt.Errorf("envi: field %q is set through the Header struct", f.Key)
		}
		if err := checkValue(f.Key, f.Value); err != nil {
			return nil, err
		}
		b.WriteString(f.Key + " = " + f.Value + "\n")
	}
	return []byte(b.String()), nil
}

// checkValue reports an error if value, written after "key = ", would not
// read back as itself.
func checkValue(key, value string) error {
	bad := func(why string) error { return fmt.Errorf("envi: field %q value %q %s", key, value, why) }
	lines := strings.Split(value, "\n")
	if !strings.HasPrefix(value, "{") {
		if len(lines) > 1 {
			return bad("spans lines without braces")
		}
		if value != strings.TrimSpace(value) {
			return bad("has surrounding spaces")
		}
		return nil
	}
	if !strings.HasSuffix(value, "}") {
		return bad("opens a brace it does not close")
	}
	for i, l := range lines {
		if i > 0 && (l != strings.TrimSpace(l) || strings.HasPrefix(l, ";")) {
			return bad("has a line that would be trimmed or read as a comment")
		}
		if i < len(lines)-1 && strings.HasSuffix(l, "}") {
			return bad("closes its brace before its last line")
		}
	}
	if value != strings.TrimSpace(value) {
		return bad("has surrounding spaces")
	}
	return nil
}

// formatFloats formats numbers as a braced list, each as short as reads back exactly.
func formatFloats(v []float64) []string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return s
}

// SetFloats sets the field key to the braced list of numbers v, each
// written in the fewest digits that read back exactly, as for
// "wavelength" or "fwhm".
func (h *Header) SetFloats(key string, v ...float64) { h.SetList(key, formatFloats(v)...) }
