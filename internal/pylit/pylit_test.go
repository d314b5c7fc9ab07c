package pylit

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// quoteTests holds Python 3.11's repr of each input, the input decoded from
// its bytes with the "surrogateescape" handler.
var quoteTests = []struct {
	in, want string
}{
	{"", "''"},
	{"a", "'a'"},
	{"'", "\"'\""},
	{"\"", "'\"'"},
	{"'\"", "'\\'\"'"},
	{"it's", "\"it's\""},
	{"say \"hi\"", "'say \"hi\"'"},
	{"\\", "'\\\\'"},
	{"a\\b'", "\"a\\\\b'\""},
	{"\x09\x0a\x0d", "'\\t\\n\\r'"},
	{"\x00\x01\x1f\x7f", "'\\x00\\x01\\x1f\\x7f'"},
	{"\xc2\x80\xc2\x9f\xc2\xa0\xc2\xad\xc3\xa9\xc3\xbf", "'\\x80\\x9f\\xa0\\xad\xc3\xa9\xc3\xbf'"},
	{"\xc3\xa9", "'\xc3\xa9'"},
	{"na\xc3\xafve caf\xc3\xa9", "'na\xc3\xafve caf\xc3\xa9'"},
	{"\xe2\x80\xa8\xe2\x80\xa9\xe2\x80\x8b\xef\xbb\xbf\xef\xbf\xbd", "'\\u2028\\u2029\\u200b\\ufeff\xef\xbf\xbd'"},
	{"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "'\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e'"},
	{"\xf0\x9f\x98\x80", "'\xf0\x9f\x98\x80'"},
	{"\xf3\xa0\x80\x81", "'\\U000e0001'"},
	{"\xf4\x8f\xbf\xbf", "'\\U0010ffff'"},
	{"\xee\x80\x80", "'\\ue000'"},
	{"\xcd\xb8", "'\\u0378'"},
	{"\xc2\xa0x\xe3\x80\x80", "'\\xa0x\\u3000'"},
	{"\xcc\x80", "'\xcc\x80'"},
	{"\xff", "'\\udcff'"},
	{"a\xe9b", "'a\\udce9b'"},
	{"\xed\xa0\x80", "'\\udced\\udca0\\udc80'"},
	{"\xf4\x90\x80\x80", "'\\udcf4\\udc90\\udc80\\udc80'"},
	{"f0", "'f0'"},
	{"'\\\"", "'\\'\\\\\"'"},
	{"\xce\xa9\xe2\x89\x88\xc3\xa7\xe2\x88\x9a", "'\xce\xa9\xe2\x89\x88\xc3\xa7\xe2\x88\x9a'"},
	{"\xf0\x9d\x84\x9e", "'\xf0\x9d\x84\x9e'"},
	{"\x0b\x0c\x08\x07", "'\\x0b\\x0c\\x08\\x07'"},
	{"\xd8\x9c\xe2\x80\x8e", "'\\u061c\\u200e'"},
	{"\xf0\x91\x80\x80", "'\xf0\x91\x80\x80'"},
}

func TestQuote(t *testing.T) {
	for _, tt := range quoteTests {
		if got := Quote(tt.in); got != tt.want {
			t.Errorf("Quote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestQuoteParse checks that Parse undoes Quote.
func TestQuoteParse(t *testing.T) {
	for _, tt := range quoteTests {
		v, err := Parse(Quote(tt.in))
		if err != nil {
			t.Errorf("Parse(Quote(%q)): %v", tt.in, err)
			continue
		}
		if v.Kind != String || v.Str != tt.in {
			t.Errorf("Parse(Quote(%q)) = %v %q, want the input back", tt.in, v.Kind, v.Str)
		}
	}
}

func str(s, text string, pos int) Value { return Value{Kind: String, Str: s, Text: text, Pos: pos} }
func num(text string, pos int) Value    { return Value{Kind: Int, Text: text, Pos: pos} }

var parseTests = []struct {
	in   string
	want Value
}{
	{`'<f8'`, str("<f8", `'<f8'`, 0)},
	{`  "x"  `, str("x", `"x"`, 2)},
	{`'a\'b\"c\\d'`, str(`a'b"c\d`, `'a\'b\"c\\d'`, 0)},
	{`'\n\r\t\a\b\f\v\0'`, str("\n\r\t\a\b\f\v\x00", `'\n\r\t\a\b\f\v\0'`, 0)},
	{`'\x41\u00e9\U0001F600\101\1010\777'`, str("A\u00e9\U0001F600AA0\u01ff", `'\x41\u00e9\U0001F600\101\1010\777'`, 0)},
	{`'\q\ '`, str(`\q\ `, `'\q\ '`, 0)},
	{`'é'`, str("é", `'é'`, 0)},
	{`'\xe9'`, str("é", `'\xe9'`, 0)},
	{`'\udce9'`, str("\xe9", `'\udce9'`, 0)},
	{`'a' "b"`, str("ab", `'a' "b"`, 0)},
	{`u'a' r'\n'`, str(`a\n`, `u'a' r'\n'`, 0)},
	{`r'\''`, str(`\'`, `r'\''`, 0)},
	{`'''it's'''`, str("it's", `'''it's'''`, 0)},
	{"'a\\\nb'", str("ab", "'a\\\nb'", 0)},
	{`0`, num("0", 0)},
	{`00`, num("00", 0)},
	{`-12`, num("-12", 0)},
	{`- 12`, num("-12", 0)},
	{`+7`, num("7", 0)},
	{`1_000`, num("1000", 0)},
	{`0x10`, num("16", 0)},
	{`0X_fF`, num("255", 0)},
	{`-0o17`, num("-15", 0)},
	{`0b1_01`, num("5", 0)},
	{`0x0`, num("0", 0)},
	{`0xFFFFFFFFFFFFFFFFFFFF`, num("1208925819614629174706175", 0)},
	{"(1, # one\n 2)", Value{Kind: Tuple, Text: "(1, # one\n 2)", Items: []Value{num("1", 1), num("2", 11)}}},
	{"1 # the end", num("1", 0)},
	{"\f1\r", num("1", 1)},
	{`True`, Value{Kind: Bool, Bool: true, Text: "True"}},
	{`False`, Value{Kind: Bool, Text: "False"}},
	{`None`, Value{Kind: None, Text: "None"}},
	{`()`, Value{Kind: Tuple, Text: "()"}},
	{`(3,)`, Value{Kind: Tuple, Text: "(3,)", Items: []Value{num("3", 1)}}},
	{`((3))`, num("3", 2)},
	{`(1, 2)`, Value{Kind: Tuple, Text: "(1, 2)", Items: []Value{num("1", 1), num("2", 4)}}},
	{`[]`, Value{Kind: List, Text: "[]"}},
	{`[('x', '<i4'),]`, Value{Kind: List, Text: `[('x', '<i4'),]`, Items: []Value{
		{Kind: Tuple, Text: `('x', '<i4')`, Pos: 1, Items: []Value{str("x", `'x'`, 2), str("<i4", `'<i4'`, 7)}},
	}}},
	{`{'a': 1, 'a': 2, }`, Value{Kind: Dict, Text: `{'a': 1, 'a': 2, }`, Items: []Value{
		str("a", `'a'`, 1), num("1", 6), str("a", `'a'`, 9), num("2", 14),
	}}},
	{"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }          \n", Value{Kind: Dict,
		Text: "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }", Items: []Value{
			str("descr", `'descr'`, 1), str("<f8", `'<f8'`, 10),
			str("fortran_order", `'fortran_order'`, 17), {Kind: Bool, Text: "False", Pos: 34},
			str("shape", `'shape'`, 41), {Kind: Tuple, Text: "(3, 4)", Pos: 50, Items: []Value{num("3", 51), num("4", 54)}},
		}}},
	{"{}", Value{Kind: Dict, Text: "{}"}},
	{"\\\n 1", num("1", 3)},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

var parseErrorTests = []struct {
	in  string
	pos int
	msg string
}{
	{``, 0, "unexpected end of text"},
	{`   `, 3, "unexpected end of text"},
	{`'abc`, 0, "unterminated string"},
	{`'ab` + "\n" + `c'`, 0, "unterminated string"},
	{`'''ab'`, 0, "unterminated string"},
	{`'\x4'`, 1, "truncated \\xXX escape"},
	{`'\u12'`, 1, "truncated \\uXX escape"},
	{`'\U00110000'`, 1, "illegal Unicode character"},
	{`'\ud800'`, 1, "lone surrogate"},
	{`'\N{DASH}'`, 1, "\\N{...}"},
	{`b'x'`, 0, "bytes literals"},
	{`f'x'`, 0, "unknown string prefix"},
	{`1.5`, 1, "floating-point"},
	{`1e5`, 1, "floating-point"},
	{`3L`, 1, "in integer"},
	{`3l`, 1, "in integer"},
	{`3 L`, 2, "after the literal"},
	{`--4`, 1, "want digits"},
	{`+-4`, 1, "want digits"},
	{`- -4`, 2, "want digits"},
	{`0x`, 2, "want digits"},
	{`0x_`, 3, "want digits"},
	{`0xf_`, 0, "misplaced '_'"},
	{`0b12`, 3, "in integer"},
	{`0o8`, 2, "want digits"},
	{`0xfg`, 3, "in integer"},
	{"\v1", 0, "unexpected '\\v'"},
	{"1\v", 1, "after the literal"},
	{`ur'x'`, 0, "unknown string prefix"},
	{`'a' ur'x'`, 4, "after the literal"},
	{`# only a comment`, 16, "unexpected end of text"},
	{`012`, 0, "leading zeros"},
	{`1__0`, 0, "misplaced '_'"},
	{`-`, 1, "want digits"},
	{`12abc`, 2, "in integer"},
	{`true`, 0, `unexpected name "true"`},
	{`(1 2)`, 3, "want ',' or ')'"},
	{`(,)`, 1, "unexpected ','"},
	{`[1,,]`, 3, "unexpected ','"},
	{`{'a' 1}`, 5, "want ':'"},
	{`{'a': }`, 6, "unexpected '}'"},
	{`{1, 2}`, 2, "want ':'"},
	{`(1, 2`, 5, "unexpected end of text"},
	{`1 2`, 2, "after the literal"},
	{`'a' 1`, 4, "after the literal"},
	{`{1}`, 2, "want ':'"},
	{strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), -1, ""},
	{strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), MaxDepth, "nested more than 64 deep"},
	{strings.Repeat("(", 100000), MaxDepth, "nested more than 64 deep"},
	{"\xff", 0, "unexpected byte 0xff"},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range parseErrorTests {
		_, err := Parse(tt.in)
		if tt.pos < 0 {
			if err != nil {
				t.Errorf("Parse(%.20q): %v, want success", tt.in, err)
			}
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%.20q) error = %v, want a *SyntaxError", tt.in, err)
			continue
		}
		if se.Pos != tt.pos || !strings.Contains(se.Error(), tt.msg) || !strings.HasPrefix(se.Error(), "pylit: ") {
			t.Errorf("Parse(%.20q) error = %q at %d, want %q at %d", tt.in, se.Error(), se.Pos, tt.msg, tt.pos)
		}
	}
}

func TestInt64(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"-0", 0, true},
		{"42", 42, true},
		{"9223372036854775807", 1<<63 - 1, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775808", -1 << 63, true},
		{"-9223372036854775809", 0, false},
		{"99999999999999999999999", 0, false},
		{"'1'", 0, false},
	}
	for _, tt := range tests {
		v, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.in, err)
		}
		got, ok := v.Int64()
		if got != tt.want || ok != tt.ok {
			t.Errorf("Parse(%q).Int64() = %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.in)
	}
	for _, tt := range parseErrorTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, src string) {
		v, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Pos < 0 || se.Pos > len(src) {
				t.Fatalf("Parse(%q) error %v is not a *SyntaxError within the text", src, err)
			}
			return
		}
		// Whatever parses, rendered again, parses to the same values.
		again, err := Parse(render(v))
		if err != nil {
			t.Fatalf("Parse(render(Parse(%q))) = %q: %v", src, render(v), err)
		}
		if render(again) != render(v) {
			t.Fatalf("round trip of %q: %q then %q", src, render(v), render(again))
		}
	})
}

// render writes v back as Python would repr it.
func render(v Value) string {
	switch v.Kind {
	case String:
		return Quote(v.Str)
	case Int:
		return v.Text
	case Bool, None:
		return v.Text
	}
	var b strings.Builder
	open, close := map[Kind]string{Tuple: "(", List: "[", Dict: "{"}[v.Kind], map[Kind]string{Tuple: ")", List: "]", Dict: "}"}[v.Kind]
	b.WriteString(open)
	for i, it := range v.Items {
		if i > 0 {
			if v.Kind == Dict && i%2 == 1 {
				b.WriteString(": ")
			} else {
				b.WriteString(", ")
			}
		}
		b.WriteString(render(it))
	}
	if v.Kind == Tuple && len(v.Items) == 1 {
		b.WriteString(",")
	}
	b.WriteString(close)
	return b.String()
}

func ExampleQuote() {
	fmt.Println(Quote("it's"))
	fmt.Println(Quote("é\x00\u200b"))
	// Output:
	// "it's"
	// 'é\x00\u200b'
}

func ExampleParse() {
	v, err := Parse("{'descr': '<f8', 'shape': (3, 4), }")
	if err != nil {
		panic(err)
	}
	for i := 0; i < len(v.Items); i += 2 {
		fmt.Println(v.Items[i].Str, v.Items[i+1].Kind, v.Items[i+1].Text)
	}
	// Output:
	// descr string '<f8'
	// shape tuple (3, 4)
}

func TestLatin1(t *testing.T) {
	for _, tt := range []struct {
		in   []byte
		want string
	}{
		{nil, ""},
		{[]byte("plain"), "plain"},
		{[]byte{'a', 0xe9, 0xff, 0x80, 0}, "a\u00e9\u00ff\u0080\x00"},
	} {
		if got := Latin1(tt.in); got != tt.want {
			t.Errorf("Latin1(% x) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// filterLongTests are checked against NumPy's _filter_header by
// TestFilterLongNumPy.
var filterLongTests = []struct{ in, want string }{
	{"(3L, 4L)", "(3 , 4 )"},
	{"(3 L,)", "(3  ,)"},
	{"(3\tL,)", "(3\t ,)"},
	{"(3\\\nL,)", "(3\\\n ,)"},
	{"(3\nL,)", "(3\nL,)"},
	{"(3l,)", "(3l,)"},
	{"(3LL,)", "(3LL,)"},
	{"(3L2,)", "(3L2,)"},
	{"(0x1fL,)", "(0x1f ,)"},
	{"(1_0L,)", "(1_0 ,)"},
	{"'3L', \"4L\", '''5L'''", "'3L', \"4L\", '''5L'''"},
	{`'a\'3L'`, `'a\'3L'`},
	{"x3L, f8L", "x3L, f8L"},
	{"(3, # 4L\n 5L)", "(3, # 4L\n 5 )"},
	{"1.5L", "1.5 "},
	{"1e5L 2jL", "1e5  2j "},
	{"L", "L"},
	{"'unterminated 3L", "'unterminated 3L"},
}

func TestFilterLong(t *testing.T) {
	for _, tt := range filterLongTests {
		if got := FilterLong(tt.in); got != tt.want {
			t.Errorf("FilterLong(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// filterCheck evaluates each pair of arguments, a text filtered by NumPy's
// _filter_header and the same text filtered by FilterLong, with
// ast.literal_eval, and prints whether they agree.
const filterCheck = `
import ast, json, sys
from numpy.lib import format
def value(s):
    try:
        return repr(ast.literal_eval(s))
    except Exception:
        return None
out = []
for src, ours in zip(sys.argv[1::2], sys.argv[2::2]):
    try:
        theirs = value(format._filter_header(src))
    except Exception:
        theirs = None
    out.append([theirs, value(ours)])
json.dump(out, sys.stdout)
`

// TestFilterLongNumPy checks that what FilterLong leaves evaluates in Python
// as what NumPy's own filter leaves, or fails as it does.
func TestFilterLongNumPy(t *testing.T) {
	py := ""
	for _, p := range []string{os.Getenv("PYTHON"), "/usr/bin/python3", "python3"} {
		if p != "" && exec.Command(p, "-c", "import numpy").Run() == nil {
			py = p
			break
		}
	}
	if py == "" {
		if os.Getenv("CI") == "true" && runtime.GOOS != "windows" {
			t.Fatal("NumPy is required when CI=true")
		}
		t.Skip("no python3 with numpy; set PYTHON to one")
	}
	args := []string{"-c", filterCheck}
	for _, tt := range filterLongTests {
		args = append(args, tt.in, FilterLong(tt.in))
	}
	out, err := exec.Command(py, args...).Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	var got [][2]*string
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(filterLongTests) {
		t.Fatalf("python printed %q: %v", out, err)
	}
	for i, tt := range filterLongTests {
		theirs, ours := got[i][0], got[i][1]
		if (theirs == nil) != (ours == nil) || theirs != nil && *theirs != *ours {
			t.Errorf("FilterLong(%q) evaluates to %v, NumPy's filter to %v", tt.in, deref(ours), deref(theirs))
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "an error"
	}
	return *s
}

func TestQuoteWTF8(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"a\xed\xa0\x85b", `'a\ud805b'`},
		{"\xed\xbf\xbf\xed\xa0\x80", `'\udfff\ud800'`},
		{"\xed\x9f\xbf", `'\ud7ff'`},               // U+D7FF: valid UTF-8, unassigned
		{"\xed\xa0", `'\udced\udca0'`},             // truncated: bytes, as Quote writes them
		{"\xff\xed\xa0\x80", `'\udcff\ud800'`},     // a stray byte, then a surrogate
		{"it's \xed\xb0\x80", `"it's \udc00"`},     // quotes chosen as Quote chooses
		{"\xc3\xa9\xed\xb3\xa9", `'é\udce9'`},      // U+DCE9 as a code point
		{"\xf0\x9f\x98\x80", "'\xf0\x9f\x98\x80'"}, // a pair that is valid UTF-8 stays
	} {
		if got := QuoteWTF8(tt.in); got != tt.want {
			t.Errorf("QuoteWTF8(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestDecodeRune(t *testing.T) {
	for r := rune(0); r <= 0x10ffff; r += 1 + r/64 {
		b := AppendRune(nil, r)
		got, n := DecodeRune(string(b))
		if got != r || n != len(b) {
			t.Fatalf("DecodeRune(AppendRune(%U) = % x) = %U, %d", r, b, got, n)
		}
		if 0xd800 <= r && r <= 0xdfff {
			if len(b) != 3 || utf8.Valid(b) {
				t.Fatalf("AppendRune(%U) = % x, want three bytes that are not UTF-8", r, b)
			}
		} else if string(b) != string(r) {
			t.Fatalf("AppendRune(%U) = % x, want its UTF-8", r, b)
		}
	}
	for _, s := range []string{"", "\xed", "\xed\xa0", "\xed\xc0\x80", "\xed\xa0\xc0", "\xee\xa0\x80"} {
		if r, n := DecodeRune(s); r >= 0xd800 && r <= 0xdfff {
			t.Errorf("DecodeRune(%q) = %U, %d, want no surrogate", s, r, n)
		}
	}
}
