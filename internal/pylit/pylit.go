// Package pylit reads the Python literals found in NumPy .npy headers,
// writes Python's repr of a str, and decodes latin-1 text as Python does.
//
// Parse accepts the subset of Python 3 literal syntax that ast.literal_eval
// would accept in a header: strings (single, double and triple quoted, with
// the u and r prefixes, adjacent literals concatenated), decimal integers
// with an optional sign (and the Python 2 'L' suffix old headers carry),
// True, False, None, tuples, lists and dicts. Floats, bytes literals, sets
// and expressions are refused. Nesting deeper than [MaxDepth] is refused so
// that hostile input cannot exhaust the stack.
//
// # Text encoding
//
// Source text and decoded strings are Go strings holding UTF-8. A Python str
// cannot hold bytes that are not valid UTF-8; Quote writes each such byte b
// as the lone surrogate escape \udcXX that Python's "surrogateescape" error
// handler would give it, and Parse turns \udc80..\udcff back into the byte,
// so that Quote and Parse are inverses for every Go string. Other lone
// surrogates are refused by Parse.
package pylit

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is the kind of a parsed literal.
type Kind int

// The kinds of literal Parse returns.
const (
	String Kind = iota + 1
	Int
	Bool
	None
	Tuple
	List
	Dict
)

var kindNames = [...]string{"invalid", "string", "int", "bool", "None", "tuple", "list", "dict"}

// String returns the kind's name as an error message would give it.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// MaxDepth is how deeply tuples, lists and dicts may nest.
const MaxDepth = 64

// Value is one parsed Python literal.
type Value struct {
	Kind  Kind
	Str   string  // String: the decoded text, escapes resolved
	Text  string  // the literal's source text; for Int the sign and digits only ("-12")
	Bool  bool    // Bool: its value
	Items []Value // Tuple, List: the elements; Dict: keys and values alternating, in source order, duplicates kept
	Pos   int     // byte offset of the literal in the parsed text
}

// Int64 returns the value of an Int literal, and false if v is not an Int
// or does not fit in an int64.
func (v Value) Int64() (int64, bool) {
	if v.Kind != Int {
		return 0, false
	}
	s := v.Text
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	// Accumulate negatively so that the minimum int64 parses.
	const minInt64 = -1 << 63
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n < minInt64/10 || n*10 < minInt64+d {
			return 0, false
		}
		n = n*10 - d
	}
	if !neg {
		if n == minInt64 {
			return 0, false
		}
		n = -n
	}
	return n, true
}

// SyntaxError reports text that is not a literal Parse accepts.
type SyntaxError struct {
	Pos int    // byte offset of the problem in the parsed text
	Msg string // what was wrong
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("pylit: %s at byte %d", e.Msg, e.Pos)
}

// Parse parses src as exactly one Python literal. Whitespace may surround
// it; a trailing comma is allowed in tuples, lists and dicts. Errors are of
// type *SyntaxError.
func Parse(src string) (Value, error) {
	p := parser{src: src}
	p.space()
	v, err := p.value(0)
	if err != nil {
		return Value{}, err
	}
	p.space()
	if p.pos < len(p.src) {
		return Value{}, p.errorf("unexpected %s after the literal", p.describe())
	}
	return v, nil
}

type parser struct {
	src string
	pos int
}

func (p *parser) errorf(format string, args ...any) error {
	return &SyntaxError{Pos: p.pos, Msg: fmt.Sprintf(format, args...)}
}

// describe names what is at the current position, for error messages.
func (p *parser) describe() string {
	if p.pos >= len(p.src) {
		return "end of text"
	}
	r, n := utf8.DecodeRuneInString(p.src[p.pos:])
	if r == utf8.RuneError && n == 1 {
		return fmt.Sprintf("byte 0x%02x", p.src[p.pos])
	}
	return fmt.Sprintf("%q", r)
}

func (p *parser) space() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			p.pos++
		case '\\':
			// An explicit line join.
			if strings.HasPrefix(p.src[p.pos:], "\\\n") {
				p.pos += 2
			} else if strings.HasPrefix(p.src[p.pos:], "\\\r\n") {
				p.pos += 3
			} else {
				return
			}
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (Value, error) {
	if p.pos >= len(p.src) {
		return Value{}, p.errorf("unexpected end of text, want a literal")
	}
	start := p.pos
	c := p.src[p.pos]
	switch {
	case c == '(' || c == '[' || c == '{':
		if depth >= MaxDepth {
			return Value{}, p.errorf("literal nested more than %d deep", MaxDepth)
		}
		return p.container(depth + 1)
	case c == '\'' || c == '"':
		return p.strings()
	case c == '-' || c == '+' || ('0' <= c && c <= '9'):
		return p.number()
	case isIdentStart(c):
		end := p.pos
		for end < len(p.src) && isIdentPart(p.src[end]) {
			end++
		}
		word := p.src[p.pos:end]
		if end < len(p.src) && (p.src[end] == '\'' || p.src[end] == '"') {
			switch strings.ToLower(word) {
			case "u", "r":
				return p.strings()
			case "b", "br", "rb":
				return Value{}, p.errorf("bytes literals are not supported")
			}
			return Value{}, p.errorf("unknown string prefix %q", word)
		}
		p.pos = end
		switch word {
		case "True", "False":
			return Value{Kind: Bool, Bool: word == "True", Text: word, Pos: start}, nil
		case "None":
			return Value{Kind: None, Text: word, Pos: start}, nil
		}
		p.pos = start
		return Value{}, p.errorf("unexpected name %q", word)
	}
	return Value{}, p.errorf("unexpected %s, want a literal", p.describe())
}

func isIdentStart(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func isIdentPart(c byte) bool {
	return isIdentStart(c) || ('0' <= c && c <= '9')
}

// number parses a decimal integer with optional sign. A sign may be
// separated from the digits by whitespace, as Python's unary operators may.
func (p *parser) number() (Value, error) {
	start := p.pos
	neg := false
	for p.pos < len(p.src) && (p.src[p.pos] == '-' || p.src[p.pos] == '+') {
		if p.src[p.pos] == '-' {
			neg = !neg
		}
		p.pos++
		p.space()
	}
	d := p.pos
	for p.pos < len(p.src) && (('0' <= p.src[p.pos] && p.src[p.pos] <= '9') || p.src[p.pos] == '_') {
		p.pos++
	}
	digits := p.src[d:p.pos]
	if digits == "" {
		return Value{}, p.errorf("unexpected %s, want digits", p.describe())
	}
	if strings.HasPrefix(digits, "_") || strings.HasSuffix(digits, "_") || strings.Contains(digits, "__") {
		return Value{}, &SyntaxError{Pos: d, Msg: "misplaced '_' in integer"}
	}
	digits = strings.ReplaceAll(digits, "_", "")
	if p.pos < len(p.src) {
		switch c := p.src[p.pos]; {
		case c == '.' || c == 'e' || c == 'E' || c == 'j' || c == 'J':
			return Value{}, p.errorf("floating-point and complex literals are not supported")
		case c == 'x' || c == 'X' || c == 'o' || c == 'O' || c == 'b' || c == 'B':
			if digits == "0" {
				return Value{}, p.errorf("only decimal integers are supported")
			}
		case c == 'L' || c == 'l':
			// Python 2 long: NumPy still reads headers written with it.
			p.pos++
		}
	}
	if p.pos < len(p.src) && isIdentPart(p.src[p.pos]) {
		return Value{}, p.errorf("unexpected %s in integer", p.describe())
	}
	if len(digits) > 1 && strings.Trim(digits, "0") != "" && digits[0] == '0' {
		return Value{}, &SyntaxError{Pos: d, Msg: "leading zeros in a decimal integer"}
	}
	if neg {
		digits = "-" + digits
	}
	return Value{Kind: Int, Text: digits, Pos: start}, nil
}

// container parses a tuple, list, dict or parenthesised literal.
func (p *parser) container(depth int) (Value, error) {
	start := p.pos
	open := p.src[p.pos]
	var kind Kind
	var close byte
	switch open {
	case '(':
		kind, close = Tuple, ')'
	case '[':
		kind, close = List, ']'
	default:
		kind, close = Dict, '}'
	}
	p.pos++
	var items []Value
	comma := false // a comma was seen (turns "(x)" into a tuple)
	for {
		p.space()
		if p.pos >= len(p.src) {
			return Value{}, p.errorf("unexpected end of text, want %q", close)
		}
		if p.src[p.pos] == close {
			p.pos++
			break
		}
		v, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		items = append(items, v)
		p.space()
		if kind == Dict {
			if p.pos >= len(p.src) || p.src[p.pos] != ':' {
				return Value{}, p.errorf("unexpected %s, want ':' after a dict key", p.describe())
			}
			p.pos++
			p.space()
			v, err := p.value(depth)
			if err != nil {
				return Value{}, err
			}
			items = append(items, v)
			p.space()
		}
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.pos++
			comma = true
			continue
		}
		if p.pos < len(p.src) && p.src[p.pos] == close {
			p.pos++
			break
		}
		return Value{}, p.errorf("unexpected %s, want ',' or %q", p.describe(), close)
	}
	if kind == Tuple && len(items) == 1 && !comma {
		// "(x)" is x in parentheses, not a tuple.
		return items[0], nil
	}
	if kind == Tuple && len(items) == 0 && comma {
		return Value{}, &SyntaxError{Pos: start, Msg: "invalid syntax '(,)'"}
	}
	return Value{Kind: kind, Items: items, Text: p.src[start:p.pos], Pos: start}, nil
}

// strings parses one or more adjacent string literals, which Python joins.
func (p *parser) strings() (Value, error) {
	start := p.pos
	var b strings.Builder
	for {
		if err := p.str(&b); err != nil {
			return Value{}, err
		}
		end := p.pos
		p.space()
		if p.pos < len(p.src) && p.isStringStart() {
			continue
		}
		p.pos = end
		break
	}
	return Value{Kind: String, Str: b.String(), Text: p.src[start:p.pos], Pos: start}, nil
}

// isStringStart reports whether a string literal, perhaps with a u or r
// prefix, starts at the current position.
func (p *parser) isStringStart() bool {
	s := p.src[p.pos:]
	for i := 0; i < len(s) && i < 3; i++ {
		switch s[i] {
		case '\'', '"':
			return true
		case 'u', 'U', 'r', 'R':
		default:
			return false
		}
	}
	return false
}

// str parses one string literal into b.
func (p *parser) str(b *strings.Builder) error {
	raw := false
	for p.pos < len(p.src) && p.src[p.pos] != '\'' && p.src[p.pos] != '"' {
		switch p.src[p.pos] {
		case 'r', 'R':
			raw = true
		case 'u', 'U':
		default:
			return p.errorf("unexpected %s, want a string", p.describe())
		}
		p.pos++
	}
	if p.pos >= len(p.src) {
		return p.errorf("unexpected end of text, want a string")
	}
	start := p.pos
	q := p.src[p.pos : p.pos+1]
	if strings.HasPrefix(p.src[p.pos:], q+q+q) {
		q = q + q + q
	}
	p.pos += len(q)
	for {
		if p.pos >= len(p.src) {
			return &SyntaxError{Pos: start, Msg: "unterminated string"}
		}
		if strings.HasPrefix(p.src[p.pos:], q) {
			p.pos += len(q)
			return nil
		}
		c := p.src[p.pos]
		switch {
		case (c == '\n' || c == '\r') && len(q) == 1:
			return &SyntaxError{Pos: start, Msg: "unterminated string"}
		case c == '\\' && raw:
			// In a raw string a backslash stays, but still protects
			// the character after it from ending the string.
			b.WriteByte(c)
			p.pos++
			if p.pos < len(p.src) {
				r, n := utf8.DecodeRuneInString(p.src[p.pos:])
				if r == utf8.RuneError && n == 1 {
					b.WriteByte(p.src[p.pos])
				} else {
					b.WriteString(p.src[p.pos : p.pos+n])
				}
				p.pos += n
			}
		case c == '\\':
			if err := p.escape(b); err != nil {
				return err
			}
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

// escape decodes one backslash escape in a non-raw string.
func (p *parser) escape(b *strings.Builder) error {
	at := p.pos
	p.pos++ // the backslash
	if p.pos >= len(p.src) {
		return &SyntaxError{Pos: at, Msg: "unterminated string"}
	}
	c := p.src[p.pos]
	p.pos++
	switch c {
	case '\n':
		return nil // line continuation inside the string
	case '\r':
		if p.pos < len(p.src) && p.src[p.pos] == '\n' {
			p.pos++
		}
		return nil
	case '\\', '\'', '"':
		b.WriteByte(c)
	case 'a':
		b.WriteByte('\a')
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'v':
		b.WriteByte('\v')
	case '0', '1', '2', '3', '4', '5', '6', '7':
		n := rune(c - '0')
		for i := 0; i < 2 && p.pos < len(p.src) && '0' <= p.src[p.pos] && p.src[p.pos] <= '7'; i++ {
			n = n*8 + rune(p.src[p.pos]-'0')
			p.pos++
		}
		b.WriteRune(n)
	case 'x', 'u', 'U':
		width := 2
		switch c {
		case 'u':
			width = 4
		case 'U':
			width = 8
		}
		if p.pos+width > len(p.src) {
			return &SyntaxError{Pos: at, Msg: fmt.Sprintf("truncated \\%cXX escape", c)}
		}
		var n uint32
		for _, h := range []byte(p.src[p.pos : p.pos+width]) {
			d, ok := hexDigit(h)
			if !ok {
				return &SyntaxError{Pos: at, Msg: fmt.Sprintf("truncated \\%cXX escape", c)}
			}
			n = n<<4 | d
		}
		p.pos += width
		switch {
		case n > unicode.MaxRune:
			return &SyntaxError{Pos: at, Msg: "illegal Unicode character in \\U escape"}
		case 0xdc80 <= n && n <= 0xdcff:
			// The surrogate escape Quote writes for a byte that is
			// not UTF-8.
			b.WriteByte(byte(n))
		case 0xd800 <= n && n <= 0xdfff:
			return &SyntaxError{Pos: at, Msg: fmt.Sprintf("lone surrogate \\%c%0*x cannot be held in a Go string", c, width, n)}
		default:
			b.WriteRune(rune(n))
		}
	case 'N':
		return &SyntaxError{Pos: at, Msg: "\\N{...} escapes are not supported"}
	default:
		// Python keeps unrecognised escapes as they are.
		b.WriteByte('\\')
		p.pos--
	}
	return nil
}

func hexDigit(c byte) (uint32, bool) {
	switch {
	case '0' <= c && c <= '9':
		return uint32(c - '0'), true
	case 'a' <= c && c <= 'f':
		return uint32(c-'a') + 10, true
	case 'A' <= c && c <= 'F':
		return uint32(c-'A') + 10, true
	}
	return 0, false
}

// Quote returns s as Python 3's repr(str) writes it: in single quotes
// unless s contains a single quote and no double quote; backslash, the
// chosen quote, \t, \n and \r escaped; other control characters and
// non-printable characters as \xNN, \uNNNN or \UNNNNNNNN; printable
// non-ASCII characters kept as they are. Printability follows Go's Unicode
// tables, which may be a newer Unicode version than a given Python's, so
// code points assigned between the two versions may differ. Bytes of s
// that are not valid UTF-8 are written as \udcXX (see the package doc).
func Quote(s string) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	const hex = "0123456789abcdef"
	b := make([]byte, 0, len(s)+2)
	b = append(b, quote)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			c := s[i]
			b = append(b, '\\', 'u', 'd', 'c', hex[c>>4], hex[c&15])
			i++
			continue
		}
		i += n
		switch {
		case r == rune(quote) || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\t':
			b = append(b, '\\', 't')
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r < ' ' || r == 0x7f:
			b = append(b, '\\', 'x', hex[r>>4], hex[r&15])
		case r < utf8.RuneSelf:
			b = append(b, byte(r))
		case isPrintable(r):
			b = utf8.AppendRune(b, r)
		case r <= 0xff:
			b = append(b, '\\', 'x', hex[r>>4], hex[r&15])
		case r <= 0xffff:
			b = append(b, '\\', 'u')
			for sh := 12; sh >= 0; sh -= 4 {
				b = append(b, hex[(r>>sh)&15])
			}
		default:
			b = append(b, '\\', 'U')
			for sh := 28; sh >= 0; sh -= 4 {
				b = append(b, hex[(r>>sh)&15])
			}
		}
	}
	b = append(b, quote)
	return string(b)
}

// isPrintable is Python's str.isprintable for one character: not in the
// Unicode categories Cc, Cf, Cs, Co, Cn, Zl, Zp or Zs, except the space.
func isPrintable(r rune) bool {
	return r == ' ' || unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S)
}

// Latin1 decodes latin-1 bytes as Python's bytes.decode('latin-1') does:
// each byte is the code point of the same value. The headers of .npy
// versions 1.0 and 2.0 are latin-1, and NumPy's bytes items print as it.
func Latin1(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return string(out)
}
