// Package pylit reads the Python literals found in NumPy .npy headers,
// writes Python's repr of a str, and decodes latin-1 text as Python does.
//
// Parse accepts the subset of Python 3 literal syntax that ast.literal_eval
// would accept in a header: strings (single, double and triple quoted, with
// the u or r prefix, adjacent literals concatenated), integers in decimal,
// hexadecimal, octal or binary with at most one sign, True, False, None,
// tuples, lists and dicts, with comments and whitespace where Python allows
// them. Floats, bytes literals, sets and expressions are refused. Nesting
// deeper than [MaxDepth] is refused so that hostile input cannot exhaust
// the stack.
//
// Python 2 wrote long integers with an 'L' suffix; NumPy still reads .npy
// headers of versions 1.0 and 2.0 written that way, by removing the suffix
// before parsing. [FilterLong] does the same.
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
	"math/big"
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

// space skips what Python's tokenizer skips between tokens: spaces, tabs,
// form feeds, newlines (inside brackets, where literals span lines),
// comments and explicit line joins. A vertical tab is not among them.
func (p *parser) space() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r', '\f':
			p.pos++
		case '#':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' && p.src[p.pos] != '\r' {
				p.pos++
			}
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

// number parses an integer: decimal, or hexadecimal, octal or binary with
// the 0x, 0o or 0b prefix, with underscores between digits, after at most
// one sign, which whitespace may separate from the digits, as Python's
// unary operators allow (ast.literal_eval accepts one sign on a number,
// not two). The Value's Text is the integer in decimal.
func (p *parser) number() (Value, error) {
	start := p.pos
	neg := false
	if c := p.src[p.pos]; c == '-' || c == '+' {
		neg = c == '-'
		p.pos++
		p.space()
	}
	if p.pos >= len(p.src) || p.src[p.pos] < '0' || p.src[p.pos] > '9' {
		return Value{}, p.errorf("unexpected %s, want digits", p.describe())
	}
	base := 10
	if p.src[p.pos] == '0' && p.pos+1 < len(p.src) {
		switch p.src[p.pos+1] {
		case 'x', 'X':
			base = 16
		case 'o', 'O':
			base = 8
		case 'b', 'B':
			base = 2
		}
	}
	d := p.pos
	if base != 10 {
		p.pos += 2
	}
	digitsAt := p.pos
	for p.pos < len(p.src) && (p.src[p.pos] == '_' || digitValue(p.src[p.pos]) < base) {
		p.pos++
	}
	digits := p.src[digitsAt:p.pos]
	if base != 10 {
		// "0x_ff" is allowed: the underscore follows the prefix.
		digits = strings.TrimPrefix(digits, "_")
	}
	if digits == "" {
		return Value{}, p.errorf("unexpected %s, want digits", p.describe())
	}
	if strings.HasPrefix(digits, "_") || strings.HasSuffix(digits, "_") || strings.Contains(digits, "__") {
		return Value{}, &SyntaxError{Pos: d, Msg: "misplaced '_' in integer"}
	}
	digits = strings.ReplaceAll(digits, "_", "")
	if p.pos < len(p.src) {
		switch c := p.src[p.pos]; {
		case base == 10 && (c == '.' || c == 'e' || c == 'E' || c == 'j' || c == 'J'):
			return Value{}, p.errorf("floating-point and complex literals are not supported")
		case isIdentPart(c):
			// Python 2's long suffix among them: see FilterLong.
			return Value{}, p.errorf("unexpected %s in integer", p.describe())
		}
	}
	switch {
	case base != 10:
		n, ok := new(big.Int).SetString(digits, base)
		if !ok {
			return Value{}, &SyntaxError{Pos: d, Msg: "invalid integer"}
		}
		digits = n.String()
	case len(digits) > 1 && strings.Trim(digits, "0") != "" && digits[0] == '0':
		return Value{}, &SyntaxError{Pos: d, Msg: "leading zeros in a decimal integer"}
	}
	if neg {
		digits = "-" + digits
	}
	return Value{Kind: Int, Text: digits, Pos: start}, nil
}

// digitValue returns the value of c as a digit of base up to 16, or 99.
func digitValue(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return 99
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
	if s, ok := p.plainString(); ok {
		return Value{Kind: String, Str: s, Text: p.src[start:p.pos], Pos: start}, nil
	}
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

// plainString parses a string literal that is its own value: one quoted
// string without prefix, escapes or line breaks, and no literal after it
// to join. Such a string is the text between its quotes, taken from the
// source without a copy; the keys and most values of a .npy header are
// such strings. It reports false, and parses nothing, for any other.
func (p *parser) plainString() (string, bool) {
	s := p.src[p.pos:]
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') || s[1] == s[0] {
		return "", false // no string, or an empty or triple-quoted one
	}
	n := strings.IndexByte(s[1:], s[0])
	if n < 0 || strings.ContainsAny(s[1:1+n], "\\\n\r") {
		return "", false
	}
	start := p.pos
	p.pos += n + 2
	end := p.pos
	p.space()
	if p.pos < len(p.src) && p.isStringStart() {
		p.pos = start
		return "", false
	}
	p.pos = end
	return s[1 : 1+n], true
}

// isStringStart reports whether a string literal, perhaps with a u or r
// prefix, starts at the current position.
func (p *parser) isStringStart() bool {
	s := p.src[p.pos:]
	if len(s) > 1 && strings.IndexByte("uUrR", s[0]) >= 0 {
		s = s[1:]
	}
	return s != "" && (s[0] == '\'' || s[0] == '"')
}

// str parses one string literal into b.
func (p *parser) str(b *strings.Builder) error {
	raw := false
	if p.pos < len(p.src) && p.src[p.pos] != '\'' && p.src[p.pos] != '"' {
		// One prefix at most: Python 3 has no "ur".
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
func Quote(s string) string { return quote(s, false) }

// QuoteWTF8 returns s as [Quote] does, but reads s as WTF-8: the three
// bytes that encode a lone surrogate (see [DecodeRune]) are that code
// point, which Python writes as \udXXX, rather than three bytes that are
// not UTF-8. It is how the repr of a NumPy str value holding a lone
// surrogate is written, given the value as DecodeRune's encoding.
func QuoteWTF8(s string) string { return quote(s, true) }

func quote(s string, wtf8 bool) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	const hex = "0123456789abcdef"
	b := make([]byte, 0, len(s)+2)
	b = append(b, quote)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if wtf8 && r == utf8.RuneError && n == 1 {
			r, n = DecodeRune(s[i:])
		}
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

// DecodeRune decodes the first character of s as [utf8.DecodeRuneInString]
// does, and also the three bytes ED A0 80 to ED BF BF that the generalized
// UTF-8 known as WTF-8 gives a lone surrogate, U+D800 to U+DFFF: Python
// strings (and NumPy str arrays) can hold such code points, and a Go
// string can keep them only as bytes that are not UTF-8.
func DecodeRune(s string) (rune, int) {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && n == 1 && len(s) >= 3 && s[0] == 0xed &&
		s[1]&0xe0 == 0xa0 && s[2]&0xc0 == 0x80 {
		return 0xd000 | rune(s[1]&0x3f)<<6 | rune(s[2]&0x3f), 3
	}
	return r, n
}

// AppendRune appends the UTF-8 encoding of r to b as [utf8.AppendRune]
// does, except that a lone surrogate is appended in the three bytes
// [DecodeRune] reads back rather than as U+FFFD.
func AppendRune(b []byte, r rune) []byte {
	if 0xd800 <= r && r <= 0xdfff {
		return append(b, 0xed, 0x80|byte(r>>6&0x3f), 0x80|byte(r&0x3f))
	}
	return utf8.AppendRune(b, r)
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

// FilterLong returns src with the Python 2 long suffix removed from its
// integers, as NumPy removes it from .npy headers of versions 1.0 and 2.0
// before parsing them: an "L" (upper case only) that Python's tokenizer
// would read as a name right after a number, with only spaces, tabs, form
// feeds or line joins between them, is replaced by a space. Letters inside
// strings and comments are left alone. The result has the length of src,
// so positions in it are positions in src.
func FilterLong(src string) string {
	var out []byte // a copy of src, made at the first change
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '#':
			for i < len(src) && src[i] != '\n' && src[i] != '\r' {
				i++
			}
		case c == '\'' || c == '"':
			i = skipString(src, i)
		case isIdentStart(c):
			j := i
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			i = j // a name, or a string's prefix: the string comes next
		case '0' <= c && c <= '9' || c == '.' && i+1 < len(src) && '0' <= src[i+1] && src[i+1] <= '9':
			i = skipNumber(src, i)
			j := i
			for j < len(src) {
				if src[j] == ' ' || src[j] == '\t' || src[j] == '\f' {
					j++
				} else if strings.HasPrefix(src[j:], "\\\n") {
					j += 2
				} else if strings.HasPrefix(src[j:], "\\\r\n") {
					j += 3
				} else {
					break
				}
			}
			if j < len(src) && src[j] == 'L' && (j+1 == len(src) || !isIdentPart(src[j+1])) {
				if out == nil {
					out = []byte(src)
				}
				out[j] = ' '
				i = j + 1
			}
		default:
			i++
		}
	}
	if out == nil {
		return src
	}
	return string(out)
}

// skipString returns the position after the string literal whose opening
// quote is at i, or len(s) if it is not terminated. A backslash keeps the
// next character from ending the string, in raw strings too.
func skipString(s string, i int) int {
	q := s[i : i+1]
	if strings.HasPrefix(s[i:], q+q+q) {
		q = q + q + q
	}
	for i += len(q); i < len(s); i++ {
		switch {
		case s[i] == '\\':
			i++
		case strings.HasPrefix(s[i:], q):
			return i + len(q)
		case len(q) == 1 && (s[i] == '\n' || s[i] == '\r'):
			return i
		}
	}
	return len(s)
}

// skipNumber returns the position after the number token starting at i, as
// Python's tokenizer reads one: digits and underscores with a 0x, 0o or 0b
// prefix, or a decimal with fraction, exponent and imaginary suffix.
func skipNumber(s string, i int) int {
	if s[i] == '0' && i+1 < len(s) && strings.IndexByte("xXoObB", s[i+1]) >= 0 {
		i += 2
		for i < len(s) && (s[i] == '_' || digitValue(s[i]) < 16) {
			i++
		}
		return i
	}
	digits := func() {
		for i < len(s) && (s[i] == '_' || '0' <= s[i] && s[i] <= '9') {
			i++
		}
	}
	digits()
	if i < len(s) && s[i] == '.' {
		i++
		digits()
	}
	if i+1 < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if s[j] == '+' || s[j] == '-' {
			j++
		}
		if j < len(s) && '0' <= s[j] && s[j] <= '9' {
			i = j
			digits()
		}
	}
	if i < len(s) && (s[i] == 'j' || s[i] == 'J') {
		i++
	}
	return i
}
