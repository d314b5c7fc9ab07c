package reftest

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// FileValues reads the file at path, which d describes, and returns its
// items as [DecodeItems] does, in the order they are stored. It decodes the
// bytes itself: the array package imports the formats, so their tests
// cannot read through it.
func FileValues(t testing.TB, path string, d header.Describer) []float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := d.Describe(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return DecodeItems(t, h.DType, b[h.DataOffset:h.DataOffset+h.DataSize()])
}

// DecodeItems returns the items of dtype dt in data, in the order they are
// stored, complex items as two values and records as their bytes.
func DecodeItems(t testing.TB, dt layout.DType, data []byte) []float64 {
	t.Helper()
	var out []float64
	for i := 0; i+dt.Size <= len(data); i += dt.Size {
		item := data[i : i+dt.Size]
		switch dt.Kind {
		case layout.Int:
			out = append(out, float64(dt.Int(item)))
		case layout.Uint:
			out = append(out, float64(dt.Uint(item)))
		case layout.Float:
			out = append(out, dt.Float(item))
		case layout.Complex:
			c := dt.Complex(item)
			out = append(out, real(c), imag(c))
		case layout.Struct:
			for _, c := range item {
				out = append(out, float64(c))
			}
		default:
			t.Fatalf("DecodeItems: dtype %v", dt)
		}
	}
	return out
}

// Floats decodes manifest numbers: JSON numbers, repr strings, and [re, im] pairs of repr strings as two values.
func Floats(t testing.TB, raw []json.RawMessage) []float64 {
	t.Helper()
	var out []float64
	for _, r := range raw {
		var pair []string
		if json.Unmarshal(r, &pair) == nil {
			out = append(out, ParseFloats(t, pair)...)
			continue
		}
		var s string
		if json.Unmarshal(r, &s) == nil {
			out = append(out, ParseFloat(t, s))
			continue
		}
		var n json.Number
		if err := json.Unmarshal(r, &n); err != nil {
			t.Fatal(err)
		}
		// ParseFloat rounds an integer beyond 2^53 as converting its
		// int64 would: to the nearest float64.
		out = append(out, ParseFloat(t, string(n)))
	}
	return out
}

// ParseFloat parses a repr string (or a JSON number) as a float64.
func ParseFloat(t testing.TB, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// ParseFloats parses each repr string in ss as ParseFloat does.
func ParseFloats(t testing.TB, ss []string) []float64 {
	t.Helper()
	out := make([]float64, len(ss))
	for i, s := range ss {
		out[i] = ParseFloat(t, s)
	}
	return out
}
