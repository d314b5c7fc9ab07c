package main

import (
	"bufio"
	"encoding/hex"
	"strconv"
	"unicode/utf8"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/internal/pylit"
	"github.com/ndmap/ndmap/layout"
)

// writeJSON writes the items of u as one JSON object:
//
//	{"dtype": "<f4", "shape": [4, 3], "data": [[...], ...]}
//
// data nests arrays as the shape does (a bare value for a 0-d array); the
// encoding of each item is given in the package doc. The items are written
// as they are read, one row at a time, so memory stays bounded, and the
// walk stops at the first write that fails, whose error it returns. (The
// error of a bufio.Writer sticks: every later write returns it.)
func writeJSON(w *bufio.Writer, u array.Items) error {
	w.WriteString(`{"dtype": `)
	w.WriteString(jsonString(descrText(u.DType())))
	w.WriteString(`, "shape": [`)
	for i, d := range u.Shape() {
		if i > 0 {
			w.WriteString(", ")
		}
		w.WriteString(strconv.Itoa(d))
	}
	w.WriteString(`], "data": `)
	if _, err := writeJSONItems(w, u, nil); err != nil {
		return err
	}
	_, err := w.WriteString("}\n")
	return err
}

func writeJSONItems(w *bufio.Writer, u array.Items, buf []byte) ([]byte, error) {
	dt := u.DType()
	switch u.NDim() {
	case 0:
		buf = appendJSONItem(buf[:0], dt, u.Bytes())
		_, err := w.Write(buf)
		return buf, err
	case 1:
		w.WriteByte('[')
		i := 0
		for b := range u.Values() {
			buf = buf[:0]
			if i > 0 {
				buf = append(buf, ", "...)
			}
			buf = appendJSONItem(buf, dt, b)
			if _, err := w.Write(buf); err != nil {
				return buf, err
			}
			i++
		}
		_, err := w.WriteString("]")
		return buf, err
	}
	w.WriteByte('[')
	for i := range u.Len() {
		if i > 0 {
			w.WriteString(", ")
		}
		var err error
		if buf, err = writeJSONItems(w, u.Index(i), buf); err != nil {
			return buf, err
		}
	}
	_, err := w.WriteString("]")
	return buf, err
}

// appendJSONItem appends the JSON value of one item of dt.
func appendJSONItem(buf []byte, dt layout.DType, b []byte) []byte {
	switch dt.Kind {
	case layout.Bool:
		return strconv.AppendBool(buf, b[0] != 0)
	case layout.Int, layout.Datetime, layout.Timedelta:
		return strconv.AppendInt(buf, dt.Int(b), 10)
	case layout.Uint:
		return strconv.AppendUint(buf, dt.Uint(b), 10)
	case layout.Float:
		return append(buf, floatJSON(dt.Float(b), floatBits(dt))...)
	case layout.Complex:
		c := dt.Complex(b)
		bits := floatBits(dt) / 2
		buf = append(buf, '[')
		buf = append(buf, floatJSON(real(c), bits)...)
		buf = append(buf, ", "...)
		buf = append(buf, floatJSON(imag(c), bits)...)
		return append(buf, ']')
	case layout.Bytes:
		return appendJSONString(buf, pylit.Latin1([]byte(dt.Text(b))))
	case layout.Unicode:
		return appendJSONString(buf, dt.Text(b))
	case layout.Struct:
		buf = append(buf, '{')
		for k, f := range dt.Fields {
			if k > 0 {
				buf = append(buf, ", "...)
			}
			buf = appendJSONString(buf, f.Name)
			buf = append(buf, ": "...)
			buf = appendJSONBlock(buf, f.Type, f.Shape, fieldBytes(f, b))
		}
		return append(buf, '}')
	}
	// Void, and anything else: the bytes in hex.
	buf = append(buf, '"')
	buf = hex.AppendEncode(buf, b)
	return append(buf, '"')
}

// appendJSONBlock appends a C-ordered block of items of the given shape as
// nested arrays: a sub-array field of a record.
func appendJSONBlock(buf []byte, dt layout.DType, shape []int, b []byte) []byte {
	if len(shape) == 0 {
		return appendJSONItem(buf, dt, b[:dt.Size])
	}
	step := count(shape[1:]) * dt.Size
	buf = append(buf, '[')
	for i := range shape[0] {
		if i > 0 {
			buf = append(buf, ", "...)
		}
		buf = appendJSONBlock(buf, dt, shape[1:], b[i*step:])
	}
	return append(buf, ']')
}

func jsonString(s string) string { return string(appendJSONString(nil, s)) }

// appendJSONString appends s as a JSON string. A lone surrogate, which a
// NumPy str item can hold and [layout.DType.Text] keeps in WTF-8, is
// written as JSON's escape of that code point ("\ud805"), as Python's
// json module writes it; other bytes that are not UTF-8 become U+FFFD, as
// encoding/json makes them.
func appendJSONString(buf []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				buf = append(buf, '\\', c)
			case c == '\n':
				buf = append(buf, '\\', 'n')
			case c == '\r':
				buf = append(buf, '\\', 'r')
			case c == '\t':
				buf = append(buf, '\\', 't')
			case c < 0x20:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
			default:
				buf = append(buf, c)
			}
			i++
			continue
		}
		r, n := pylit.DecodeRune(s[i:])
		if 0xd800 <= r && r <= 0xdfff {
			buf = append(buf, '\\', 'u', hexDigits[r>>12], hexDigits[r>>8&15], hexDigits[r>>4&15], hexDigits[r&15])
		} else {
			buf = utf8.AppendRune(buf, r)
		}
		i += n
	}
	return append(buf, '"')
}
