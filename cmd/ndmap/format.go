package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/internal/pylit"
	"github.com/ndmap/ndmap/layout"
)

// Printing follows NumPy's print(a) with its default options: arrays of more
// than printThreshold items are summarised with "..." keeping edgeItems at
// each end of every axis, lines are wrapped at lineWidth, and all numbers of
// an array share one format (same width, same number of fraction digits,
// positional or scientific) worked out from the items shown.
const (
	printThreshold = 1000
	edgeItems      = 3
	lineWidth      = 75
	floatPrecision = 8
)

// A node is an array as it will be printed: the items shown, in order,
// with the position of the "..." when an axis is summarised.
type node struct {
	item []byte // a leaf's bytes, when kids is nil
	kids []node
	gap  int // index in kids before which "..." goes, or -1
}

// gather reads the items of u that print shows.
func gather(u array.Items, summarise bool) node {
	if u.NDim() == 0 {
		return node{item: u.Bytes(), gap: -1}
	}
	n := u.Len()
	nd := node{gap: -1}
	if summarise && n > 2*edgeItems {
		for i := range edgeItems {
			nd.kids = append(nd.kids, gather(u.Index(i), summarise))
		}
		for i := n - edgeItems; i < n; i++ {
			nd.kids = append(nd.kids, gather(u.Index(i), summarise))
		}
		nd.gap = edgeItems
		return nd
	}
	for i := range n {
		nd.kids = append(nd.kids, gather(u.Index(i), summarise))
	}
	return nd
}

// gatherBytes builds the node of a C-ordered block of items, such as a
// sub-array field of a record. A block of more than printThreshold items
// is summarised as an array is, so that the output stays bounded whatever
// the field's shape (NumPy 1.24 prints sub-arrays whole).
func gatherBytes(b []byte, shape []int, size int) node {
	return gatherBlock(b, shape, size, count(shape) > printThreshold)
}

func gatherBlock(b []byte, shape []int, size int, summarise bool) node {
	if len(shape) == 0 {
		return node{item: b[:size], gap: -1}
	}
	nd := node{gap: -1}
	step := count(shape[1:]) * size
	n := shape[0]
	for i := 0; i < n; i++ {
		if summarise && n > 2*edgeItems && i == edgeItems {
			nd.gap = edgeItems
			i = n - edgeItems
		}
		nd.kids = append(nd.kids, gatherBlock(b[i*step:], shape[1:], size, summarise))
	}
	return nd
}

// leaves appends the items of n to out in order.
func (n node) leaves(out [][]byte) [][]byte {
	if n.kids == nil && n.item != nil {
		return append(out, n.item)
	}
	for _, k := range n.kids {
		out = k.leaves(out)
	}
	return out
}

// formatItems prints the items of u as NumPy's print does.
func formatItems(u array.Items) string {
	if u.Size() == 0 {
		return "[]"
	}
	return formatNode(gather(u, u.Size() > printThreshold), u.DType(), u.NDim())
}

// formatNode prints the items of root, an array of nd axes of dtype dt
// gathered for printing, as NumPy's print does.
func formatNode(root node, dt layout.DType, nd int) string {
	f := newItemFormat(dt, root.leaves(nil))
	if nd == 0 {
		s := strings.TrimSpace(f(root.item))
		// A 0-d array prints as its scalar does, and NumPy's float
		// scalars always show a digit after the point: 3.0, not 3.
		if k := dt.Kind; (k == layout.Float) && strings.HasSuffix(s, ".") {
			s += "0"
		}
		return s
	}
	return formatArray(root, nd, f, lineWidth, " ")
}

// formatArray lays out a node of nd axes the way NumPy's _formatArray does:
// rows of the last axis wrapped at width, a blank line between blocks of
// higher axes, and a hanging indent of one space per open bracket.
func formatArray(root node, nd int, f func([]byte) string, width int, sep string) string {
	var rec func(n node, axesLeft int, hanging string, curWidth int) string
	rec = func(n node, axesLeft int, hanging string, curWidth int) string {
		if axesLeft == 0 {
			return f(n.item)
		}
		nextHanging := hanging + " "
		nextWidth := curWidth - 1
		var s strings.Builder
		if axesLeft == 1 {
			elemWidth := curWidth - max(len(strings.TrimRight(sep, " ")), 1)
			line := hanging
			for i, k := range n.kids {
				if i == n.gap {
					line = extendLine(&s, line, "...", elemWidth, hanging)
					line += sep
				}
				line = extendLine(&s, line, rec(k, 0, nextHanging, nextWidth), elemWidth, hanging)
				if i < len(n.kids)-1 {
					line += sep
				}
			}
			s.WriteString(line)
		} else {
			lineSep := strings.TrimRight(sep, " ") + strings.Repeat("\n", axesLeft-1)
			for i, k := range n.kids {
				if i == n.gap {
					s.WriteString(hanging + "..." + lineSep)
				}
				s.WriteString(hanging + rec(k, axesLeft-1, nextHanging, nextWidth))
				if i < len(n.kids)-1 {
					s.WriteString(lineSep)
				}
			}
		}
		return "[" + s.String()[len(hanging):] + "]"
	}
	return rec(root, nd, " ", width)
}

// extendLine adds word to line, first moving to a new line when it would
// pass width (unless the line holds nothing but its indent).
func extendLine(s *strings.Builder, line, word string, width int, prefix string) string {
	if len(line)+len(word) > width && len(line) > len(prefix) {
		s.WriteString(strings.TrimRight(line, " ") + "\n")
		line = prefix
	}
	return line + word
}

// formatInline prints a node on one line with sep between items, as NumPy
// prints a sub-array field inside a record.
func formatInline(n node, f func([]byte) string, sep string) string {
	if n.kids == nil && n.item != nil {
		return f(n.item)
	}
	parts := make([]string, 0, len(n.kids)+1)
	for i, k := range n.kids {
		if i == n.gap {
			parts = append(parts, "...")
		}
		parts = append(parts, formatInline(k, f, sep))
	}
	return "[" + strings.Join(parts, sep) + "]"
}

// newItemFormat returns the function that prints one item of dt, in a
// format shared by all the given items, as NumPy chooses one per array.
func newItemFormat(dt layout.DType, items [][]byte) func([]byte) string {
	switch dt.Kind {
	case layout.Bool:
		return func(b []byte) string {
			if b[0] != 0 {
				return " True"
			}
			return "False"
		}
	case layout.Int, layout.Uint:
		text := func(b []byte) string {
			if dt.Kind == layout.Int {
				return strconv.FormatInt(dt.Int(b), 10)
			}
			return strconv.FormatUint(dt.Uint(b), 10)
		}
		return padded(items, text)
	case layout.Float:
		xs := make([]float64, len(items))
		for i, b := range items {
			xs[i] = dt.Float(b)
		}
		ff := newFloatFormat(xs, floatBits(dt), false)
		return func(b []byte) string { return ff.format(dt.Float(b)) }
	case layout.Complex:
		re := make([]float64, len(items))
		im := make([]float64, len(items))
		for i, b := range items {
			c := dt.Complex(b)
			re[i], im[i] = real(c), imag(c)
		}
		bits := floatBits(dt) / 2
		rf, imf := newFloatFormat(re, bits, false), newFloatFormat(im, bits, true)
		return func(b []byte) string {
			c := dt.Complex(b)
			is := imf.format(imag(c))
			n := len(strings.TrimRight(is, " "))
			return rf.format(real(c)) + is[:n] + "j" + is[n:]
		}
	case layout.Bytes:
		return func(b []byte) string { return pyBytes(dt.Text(b), false) }
	case layout.Void:
		return func(b []byte) string { return pyBytes(string(b), true) }
	case layout.Unicode:
		return func(b []byte) string { return pylit.QuoteWTF8(dt.Text(b)) }
	case layout.Datetime:
		return padded(items, func(b []byte) string { return "'" + datetimeText(dt, dt.Int(b)) + "'" })
	case layout.Timedelta:
		return padded(items, func(b []byte) string {
			if n := dt.Int(b); n != nat {
				return strconv.FormatInt(n, 10)
			}
			return "'NaT'"
		})
	case layout.Struct:
		return structFormat(dt, items)
	}
	return func(b []byte) string { return pyBytes(string(b), true) }
}

// padded right-aligns text(b) to the widest text of the items.
func padded(items [][]byte, text func([]byte) string) func([]byte) string {
	w := 0
	for _, b := range items {
		w = max(w, len(text(b)))
	}
	return func(b []byte) string {
		s := text(b)
		return strings.Repeat(" ", max(0, w-len(s))) + s
	}
}

// structFormat prints records as NumPy does: (a, b, c), each field in a
// format shared by that field of all the records shown.
func structFormat(dt layout.DType, items [][]byte) func([]byte) string {
	type fieldFormat struct {
		f    layout.Field
		text func([]byte) string
	}
	ffs := make([]fieldFormat, len(dt.Fields))
	for k, fd := range dt.Fields {
		var leaves [][]byte
		for _, b := range items {
			fb := fieldBytes(fd, b)
			if len(fd.Shape) == 0 {
				leaves = append(leaves, fb)
				continue
			}
			leaves = gatherBytes(fb, fd.Shape, fd.Type.Size).leaves(leaves)
		}
		ffs[k] = fieldFormat{fd, newItemFormat(fd.Type, leaves)}
	}
	return func(b []byte) string {
		parts := make([]string, len(ffs))
		for k, ff := range ffs {
			fb := fieldBytes(ff.f, b)
			if len(ff.f.Shape) == 0 {
				parts[k] = ff.text(fb)
			} else {
				parts[k] = formatInline(gatherBytes(fb, ff.f.Shape, ff.f.Type.Size), ff.text, ", ")
			}
		}
		if len(parts) == 1 {
			return "(" + parts[0] + ",)"
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
}

// floatFormat is NumPy's FloatingFormat in its default mode ('maxprec',
// precision 8): the shortest text that reads back as the value, cut to at
// most 8 fraction digits, positional unless the values span too wide a
// range, aligned on the decimal point.
type floatFormat struct {
	bits              int
	plus              bool // always write the sign (the imaginary part of a complex)
	exp               bool
	padLeft, padRight int
	precision         int // fraction digits in scientific form
	expSize           int // exponent digits in scientific form
}

func newFloatFormat(xs []float64, bits int, plus bool) *floatFormat {
	f := &floatFormat{bits: bits, plus: plus}
	var finite []float64
	minAbs, maxAbs := math.Inf(1), 0.0
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		finite = append(finite, x)
		if a := math.Abs(x); a != 0 {
			minAbs, maxAbs = min(minAbs, a), max(maxAbs, a)
		}
	}
	if maxAbs > 0 && (maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs/minAbs > 1e3) {
		f.exp = true
	}
	for _, x := range finite {
		ip, fp, e := f.parts(x, f.exp)
		f.padLeft = max(f.padLeft, len(ip))
		if f.exp {
			f.precision = max(f.precision, len(fp))
			f.expSize = max(f.expSize, len(strconv.Itoa(abs(e))), 2)
		} else {
			f.padRight = max(f.padRight, len(fp))
		}
	}
	if f.exp {
		f.padRight = f.expSize + 2 + f.precision
	}
	if len(finite) < len(xs) {
		negInf := plus
		for _, x := range xs {
			negInf = negInf || math.IsInf(x, -1)
		}
		infLen := 3
		if negInf {
			infLen++
		}
		nanLen := 3
		if plus {
			nanLen++
		}
		offset := f.padRight + 1
		f.padLeft = max(f.padLeft, nanLen-offset, infLen-offset)
	}
	return f
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// parts returns x's integer digits (with its sign), fraction digits and,
// in scientific form, exponent.
func (f *floatFormat) parts(x float64, sci bool) (ip, fp string, exp int) {
	var s string
	if sci {
		s = shortest(x, f.bits, 'e')
		m, e, _ := strings.Cut(s, "e")
		exp, _ = strconv.Atoi(e)
		if i := strings.IndexByte(m, '.'); i >= 0 && len(m)-i-1 > floatPrecision {
			s = strconv.FormatFloat(x, 'e', floatPrecision, 64)
			m, e, _ = strings.Cut(s, "e")
			m = strings.TrimRight(m, "0")
			exp, _ = strconv.Atoi(e)
		}
		s = m
	} else {
		s = shortest(x, f.bits, 'f')
		if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > floatPrecision {
			s = strings.TrimRight(strconv.FormatFloat(x, 'f', floatPrecision, 64), "0")
		}
	}
	ip, fp, _ = strings.Cut(s, ".")
	if f.plus && !strings.HasPrefix(ip, "-") {
		ip = "+" + ip
	}
	return ip, fp, exp
}

func (f *floatFormat) format(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		var s string
		switch {
		case math.IsNaN(x):
			s = "nan"
			if f.plus {
				s = "+nan"
			}
		case x < 0:
			s = "-inf"
		case f.plus:
			s = "+inf"
		default:
			s = "inf"
		}
		return strings.Repeat(" ", max(0, f.padLeft+f.padRight+1-len(s))) + s
	}
	ip, fp, e := f.parts(x, f.exp)
	if f.exp && len(fp) < f.precision {
		// Like NumPy's dragon4 given min_digits, print more of the value's
		// own digits rather than padding with zeros.
		m, es, _ := strings.Cut(strconv.FormatFloat(x, 'e', f.precision, 64), "e")
		ip, fp, _ = strings.Cut(m, ".")
		e, _ = strconv.Atoi(es)
		if f.plus && !strings.HasPrefix(ip, "-") {
			ip = "+" + ip
		}
	}
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", max(0, f.padLeft-len(ip))))
	b.WriteString(ip)
	b.WriteByte('.')
	if f.exp {
		b.WriteString(fp)
		sign := "+"
		if e < 0 {
			sign = "-"
		}
		d := strconv.Itoa(abs(e))
		b.WriteString("e" + sign + strings.Repeat("0", max(0, f.expSize-len(d))) + d)
	} else {
		b.WriteString(fp + strings.Repeat(" ", max(0, f.padRight-len(fp))))
	}
	return b.String()
}

// shortest formats x ('e' or 'f') with the fewest digits that read back as
// the same value at the given precision: float16, float32 or float64.
func shortest(x float64, bits int, fmtc byte) string {
	if bits != 16 {
		return strconv.FormatFloat(x, fmtc, -1, bits)
	}
	// strconv has no float16: try more digits until the text rounds back.
	for prec := 0; prec < 17; prec++ {
		s := strconv.FormatFloat(x, 'e', prec, 64)
		y, _ := strconv.ParseFloat(s, 64)
		if layout.Float16FromFloat64(y).Float64() == x {
			return strconv.FormatFloat(y, fmtc, -1, 64)
		}
	}
	return strconv.FormatFloat(x, fmtc, -1, 64)
}

// floatJSON formats x as the shortest text that reads back as the same
// value at the given precision, as a JSON number — or, for NaN and the
// infinities, the JSON strings "nan", "inf" and "-inf".
func floatJSON(x float64, bits int) string {
	switch {
	case math.IsNaN(x):
		return `"nan"`
	case math.IsInf(x, 1):
		return `"inf"`
	case math.IsInf(x, -1):
		return `"-inf"`
	}
	if bits == 16 {
		bits = 32
	}
	// 'g' never writes a leading '+' or a bare '.', so its output is
	// always a JSON number: "3", "0.1", "1e+06", "-2.5e-07".
	return strconv.FormatFloat(x, 'g', -1, bits)
}

// pyBytes writes s as Python's repr of bytes: b'...'. For void items every
// byte is written as \xHH, as NumPy prints them.
func pyBytes(s string, allHex bool) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	var b strings.Builder
	b.WriteString("b")
	b.WriteByte(quote)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case allHex:
			fmt.Fprintf(&b, `\x%02X`, c)
		case c == '\\' || c == quote:
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// Sub-second units of datetime64: how many make a second, and the fraction
// digits NumPy prints.
var subSecond = map[string]struct {
	perSecond int64
	digits    int
}{
	"ms": {1e3, 3}, "us": {1e6, 6}, "ns": {1e9, 9},
	"ps": {1e12, 12}, "fs": {1e15, 15}, "as": {1e18, 18},
}

// datetimeText writes a datetime64 count as NumPy's ISO 8601 form at the
// dtype's unit: "2021-03-04", "2021-03-04T05:06:07.000000008", "NaT".
// Counts whose instant is too far out to compute are written as the count
// and its unit.
func datetimeText(dt layout.DType, n int64) string {
	if n == nat {
		return "NaT"
	}
	mult := int64(max(dt.Multiplier, 1))
	v := n * mult
	if mult != 0 && v/mult != n {
		return fmt.Sprintf("%d×%s", n, dt.String())
	}
	switch dt.Unit {
	case "Y":
		return fmt.Sprintf("%d", 1970+v)
	case "M":
		y, m := floorDiv(v, 12)
		return fmt.Sprintf("%d-%02d", 1970+y, m+1)
	case "W":
		return time.Unix(0, 0).UTC().AddDate(0, 0, int(7*v)).Format("2006-01-02")
	case "D":
		return time.Unix(0, 0).UTC().AddDate(0, 0, int(v)).Format("2006-01-02")
	case "h":
		return time.Unix(v*3600, 0).UTC().Format("2006-01-02T15")
	case "m":
		return time.Unix(v*60, 0).UTC().Format("2006-01-02T15:04")
	case "s":
		return time.Unix(v, 0).UTC().Format("2006-01-02T15:04:05")
	case "":
		return strconv.FormatInt(n, 10)
	}
	ss, ok := subSecond[dt.Unit]
	if !ok {
		return strconv.FormatInt(n, 10)
	}
	sec, frac := floorDiv(v, ss.perSecond)
	return time.Unix(sec, 0).UTC().Format("2006-01-02T15:04:05") + fmt.Sprintf(".%0*d", ss.digits, frac)
}

// floorDiv divides rounding towards minus infinity, with a non-negative
// remainder.
func floorDiv(a, b int64) (q, r int64) {
	q, r = a/b, a%b
	if r < 0 {
		q--
		r += b
	}
	return q, r
}
