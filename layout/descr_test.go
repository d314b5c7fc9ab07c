package layout

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// descrTests pairs each case with the descr NumPy 1.24 writes for it
// (testdata/gen_descr.py prints the rows): parsing it and rendering it
// again must give the same text.
var descrTests = []struct {
	name, descr string
}{
	{"f8", "'<f8'"},
	{"b1", "'|b1'"},
	{"i4 big", "'>i4'"},
	{"S5", "'|S5'"},
	{"U3", "'<U3'"},
	{"U3 big", "'>U3'"},
	{"V4", "'|V4'"},
	{"M8 ns", "'<M8[ns]'"},
	{"m8 10s", "'<m8[10s]'"},
	{"M8 generic", "'<M8'"},
	{"m8 generic big", "'>m8'"},
	{"u1", "'|u1'"},
	{"i1", "'|i1'"},
	{"f2", "'<f2'"},
	{"f4 big", "'>f4'"},
	{"c8", "'<c8'"},
	{"c16 big", "'>c16'"},
	{"u8", "'<u8'"},
	{"i2", "'<i2'"},
	{"u2 big", "'>u2'"},
	{"S0", "'|S0'"},
	{"U0", "'<U0'"},
	{"V0", "'|V0'"},
	{"M8 10ms", "'<M8[10ms]'"},
	{"M8 Y", "'<M8[Y]'"},
	{"M8 W", "'<M8[W]'"},
	{"m8 as", "'<m8[as]'"},
	{"M8 2D", "'>M8[2D]'"},
	{"record x y", "[('x', '<i4'), ('y', '>f8')]"},
	{"nested with sub-arrays", "[('id', '<u2'), ('pos', '<f4', (3,)), ('meta', [('a', '<i2'), ('b', '|u1', (2, 2))]), ('grid', '>i4', (2, 3))]"},
	{"aligned", "[('a', '|u1'), ('', '|V7'), ('b', '<f8'), ('c', '<i2'), ('', '|V6')]"},
	{"titles", "[(('Temperature (K)', 'temp'), '<f4'), (('count', 'n'), '<u4')]"},
	{"offsets and itemsize", "[('', '|V4'), ('a', '<i2'), ('', '|V2'), ('b', '<f4'), ('', '|V4')]"},
	{"latin1 names", "[('\xc3\xa9', '<i4'), ('\xc3\x9f', '<f4')]"},
	{"non-latin1 names", "[('\xce\xb1', '<i4'), ('\xe6\xb8\xa9\xe5\xba\xa6', '<f8')]"},
	{"quotes in names", "[(\"it's\", '<i4'), ('say \"hi\"', '<i4'), ('both \\'\"', '<i4'), ('back\\\\slash', '<i4')]"},
	{"control and odd names", "[('tab\\there', '|u1'), ('nul\\x00', '|u1'), ('\\xa0\\xad', '|u1'), ('\xf0\x9f\x98\x80', '|u1')]"},
	{"empty record", "[]"},
	{"empty name", "[('f0', '<i4'), ('b', '<f8')]"},
	{"strings and times", "[('name', '|S12'), ('time', '<i8'), ('value', '<f4'), ('u', '>U2'), ('t', '<M8[us]'), ('d', '<m8[3h]')]"},
	{"bool and void fields", "[('ok', '|b1'), ('raw', '|V3')]"},
	{"nested record sub-array", "[('p', [('x', '<f4'), ('y', '<f4')], (4,))]"},
	{"sub-array of strings", "[('names', '|S8', (2, 3)), ('codes', '<U2', (5,))]"},
	{"zero-length sub-array", "[('a', '<i4', (0,)), ('b', '<i4', (2, 0))]"},
	{"one-element sub-array", "[('a', '<i4', (1,)), ('b', '<f8', (1, 1))]"},
	{"deep nesting", "[('a', [('b', [('c', [('d', '<i8')])])])]"},
	{"aligned nested", "[('a', '|u1'), ('', '|V3'), ('s', [('x', '|u1'), ('', '|V3'), ('y', '<i4')])]"},
	{"trailing padding only", "[('a', '<i4'), ('', '|V8')]"},
	{"leading padding only", "[('', '|V8'), ('a', '<i4')]"},
	{"title and sub-array", "[(('T', 'a'), '<i4', (2,))]"},
	{"sub-array of sub-arrays", "[('c', ('<f8', (5,)), (2,))]"},
	{"three levels", "[('c', (('<f8', (3,)), (5,)), (2, 4))]"},
	{"sub-array of sub-arrays of records", "[('c', ([('x', '<i2')], (3,)), (2,))]"},
	{"titled sub-array of sub-arrays", "[(('T', 'c'), ('>i4', (2, 2)), (3,)), ('d', '|u1')]"},
	{"empty sub-array of sub-arrays", "[('z', ('<f8', (0,)), (2,))]"},
	{"3445 fields", fields3445Descr()},
	// [('field0000', '<f8'), ('field0001', '<f8'), ('field0002', '...
}

// fields3445Descr returns the descr of a record of 3445 '<f8' fields named
// field0000 onwards, as NumPy writes it.
func fields3445Descr() string {
	var b strings.Builder
	b.WriteByte('[')
	for i := range 3445 {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "('field%04d', '<f8')", i)
	}
	b.WriteByte(']')
	return b.String()
}

func TestDescrRoundTrip(t *testing.T) {
	for _, tt := range descrTests {
		d, err := ParseDescr(tt.descr)
		if err != nil {
			t.Errorf("%s: ParseDescr(%.80s): %v", tt.name, tt.descr, err)
			continue
		}
		got, err := d.Descr()
		if err != nil {
			t.Errorf("%s: Descr(): %v", tt.name, err)
			continue
		}
		if got != tt.descr {
			t.Errorf("%s: Descr() = %.200s, want %.200s", tt.name, got, tt.descr)
		}
	}
}

// readTests pairs descrs as a header may spell them with the text NumPy
// writes after reading them (on a little-endian machine).
var readTests = []struct {
	in, want string
}{
	{"'=f8'", "'<f8'"},
	{"'f8'", "'<f8'"},
	{"'d'", "'<f8'"},
	{"'float64'", "'<f8'"},
	{"'<i'", "'<i4'"},
	{"'b1'", "'|b1'"},
	{"'?'", "'|b1'"},
	{"'S'", "'|S0'"},
	{"'datetime64[ns]'", "'<M8[ns]'"},
	{"'|f8'", "'<f8'"},
	{"'>i1'", "'|i1'"},
	{"'>S5'", "'|S5'"},
	{"'>?'", "'|b1'"},
	{"'=U3'", "'<U3'"},
	{"'M'", "'<M8'"},
	{"'m8'", "'<m8'"},
	{"'M8[\xce\xbcs]'", "'<M8[us]'"},
	{"'M8[1ns]'", "'<M8[ns]'"},
	{"'a5'", "'|S5'"},
	{"'S01'", "'|S1'"},
	{"'i08'", "'<i8'"},
	{"'bool'", "'|b1'"},
	{"'b'", "'|i1'"},
	{"'B'", "'|u1'"},
	{"'h'", "'<i2'"},
	{"'H'", "'<u2'"},
	{"'i'", "'<i4'"},
	{"'I'", "'<u4'"},
	{"'q'", "'<i8'"},
	{"'Q'", "'<u8'"},
	{"'e'", "'<f2'"},
	{"'f'", "'<f4'"},
	{"'F'", "'<c8'"},
	{"'D'", "'<c16'"},
	{"'c'", "'|S1'"},
	{"'U'", "'<U0'"},
	{"'V'", "'|V0'"},
	{"'half'", "'<f2'"},
	{"'single'", "'<f4'"},
	{"'double'", "'<f8'"},
	{"'complex64'", "'<c8'"},
	{"'complex128'", "'<c16'"},
	{"'uint8'", "'|u1'"},
	{"'int16'", "'<i2'"},
	{"'timedelta64'", "'<m8'"},
	{"'datetime64'", "'<M8'"},
	{"'str'", "'<U0'"},
	{"'bytes'", "'|S0'"},
	{"'void'", "'|V0'"},
	{"\"<f8\"", "'<f8'"},
	{"u'<f8'", "'<f8'"},
	{"  '<f8'  ", "'<f8'"},
	{"[('', '<i4'), ('b', '<f8')]", "[('', '<i4'), ('b', '<f8')]"},
	{"[('', '|V4'), ('', '|V4')]", "[('', '|V8')]"},
	{"[('', '<i4', (2,)), ('a', '<i4')]", "[('', '|V8'), ('a', '<i4')]"},
	{"[('', ('<i4', (2,))), ('a', '<i4')]", "[('', '|V8'), ('a', '<i4')]"},
	{"[('a', '<i4', 1)]", "[('a', '<i4')]"},
	{"[('a', '<i4', ())]", "[('a', '<i4')]"},
	{"[('a', '<i4', 2)]", "[('a', '<i4', (2,))]"},
	{"[('a', '<i4', [2, 3])]", "[('a', '<i4', (2, 3))]"},
	{"[('a', ('<i4', (2,)))]", "[('a', '<i4', (2,))]"},
	{"[('a', '<i4',), ('b', 'f8')]", "[('a', '<i4'), ('b', '<f8')]"},
	{"[(\"x\", \"<i4\")]", "[('x', '<i4')]"},
	{"[('x', 'i4'), ('y', '=f8'), ('z', 'S3')]", "[('x', '<i4'), ('y', '<f8'), ('z', '|S3')]"},
	{"[(('T', 'a'), '<i4')]", "[(('T', 'a'), '<i4')]"},
	{"[('a', [])]", "[('a', [])]"},
	{"[['a', '<f8'], ('b', '<i4', [2])]", "[('a', '<f8'), ('b', '<i4', (2,))]"},
	{"[((None, 'a'), '<f8')]", "[('a', '<f8')]"},
	{"[('a', ('<i4', (2,)), 1)]", "[('a', '<i4', (2,))]"},
	{"[('a', ('<i4', (2,)), ())]", "[('a', '<i4', (2,))]"},
	{"[('a', ('<i4', 1), (2,))]", "[('a', '<i4', (2,))]"},
	{"[('a', ('<i4', ()), (2,))]", "[('a', '<i4', (2,))]"},
	{"[('a', (('<i4', ()), (2,)), (3,))]", "[('a', ('<i4', (2,)), (3,))]"},
	{"[('a', ('<i4', (2,)), (0x3,))]", "[('a', ('<i4', (2,)), (3,))]"},
	{"'M8[generic]'", "'<M8'"},
	{"'>m8[generic]'", "'>m8'"},
	{"'|M8[us]'", "'<M8[us]'"},
	{"'>datetime64[us]'", "'>M8[us]'"},
	{"'=timedelta64'", "'<m8'"},
	{"'M'", "'<M8'"},
	{"'>m'", "'>m8'"},
}

func TestDescrRead(t *testing.T) {
	if NativeOrder != LittleEndian {
		t.Skip("expected texts are for a little-endian machine")
	}
	for _, tt := range readTests {
		d, err := ParseDescr(tt.in)
		if err != nil {
			t.Errorf("ParseDescr(%s): %v", tt.in, err)
			continue
		}
		got, err := d.Descr()
		if err != nil || got != tt.want {
			t.Errorf("ParseDescr(%s).Descr() = %s, %v, want %s", tt.in, got, err, tt.want)
		}
	}
}

// TestManifestDescrs reads every descr of the NumPy fixtures.
func TestManifestDescrs(t *testing.T) {
	data, err := os.ReadFile("../testdata/manifest.json")
	if err != nil {
		t.Skip(err)
	}
	var m struct {
		Npy []struct {
			File, Member string
			Descr        *string
		}
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range m.Npy {
		if e.Descr == nil {
			continue
		}
		n++
		d, err := ParseDescr(*e.Descr)
		if err != nil {
			t.Errorf("%s %s: ParseDescr(%.80s): %v", e.File, e.Member, *e.Descr, err)
			continue
		}
		if got, err := d.Descr(); err != nil || got != *e.Descr {
			t.Errorf("%s %s: Descr() = %.80s, %v, want %.80s", e.File, e.Member, got, err, *e.Descr)
		}
	}
	if n < 30 {
		t.Errorf("only %d descrs in the manifest", n)
	}
}

func le(k Kind, size int) DType { return DType{Kind: k, Order: LittleEndian, Size: size} }
func be(k Kind, size int) DType { return DType{Kind: k, Order: BigEndian, Size: size} }
func na(k Kind, size int) DType { return DType{Kind: k, Order: NotApplicable, Size: size} }

var parseTests = []struct {
	descr string
	want  DType
}{
	{"'<f8'", le(Float, 8)},
	{"'>i4'", be(Int, 4)},
	{"'|b1'", na(Bool, 1)},
	{"'|S5'", na(Bytes, 5)},
	{"'>U3'", be(Unicode, 12)},
	{"'|V4'", na(Void, 4)},
	{"'<M8[ns]'", DType{Kind: Datetime, Order: LittleEndian, Size: 8, Unit: "ns", Multiplier: 1}},
	{"'<m8[10s]'", DType{Kind: Timedelta, Order: LittleEndian, Size: 8, Unit: "s", Multiplier: 10}},
	{"'<M8'", le(Datetime, 8)},
	{"[('x', '<i4'), ('y', '>f8')]", DType{Kind: Struct, Order: NotApplicable, Size: 12, Fields: []Field{
		{Name: "x", Type: le(Int, 4)},
		{Name: "y", Offset: 4, Type: be(Float, 8)},
	}}},
	{"[('id', '<u2'), ('pos', '<f4', (3,)), ('meta', [('a', '<i2'), ('b', '|u1', (2, 2))]), ('grid', '>i4', (2, 3))]",
		DType{Kind: Struct, Order: NotApplicable, Size: 44, Fields: []Field{
			{Name: "id", Type: le(Uint, 2)},
			{Name: "pos", Offset: 2, Type: le(Float, 4), Shape: []int{3}},
			{Name: "meta", Offset: 14, Type: DType{Kind: Struct, Order: NotApplicable, Size: 6, Fields: []Field{
				{Name: "a", Type: le(Int, 2)},
				{Name: "b", Offset: 2, Type: na(Uint, 1), Shape: []int{2, 2}},
			}}},
			{Name: "grid", Offset: 20, Type: be(Int, 4), Shape: []int{2, 3}},
		}}},
	{"[('a', '|u1'), ('', '|V7'), ('b', '<f8'), ('c', '<i2'), ('', '|V6')]", DType{Kind: Struct, Order: NotApplicable, Size: 24, Fields: []Field{
		{Name: "a", Type: na(Uint, 1)},
		{Name: "b", Offset: 8, Type: le(Float, 8)},
		{Name: "c", Offset: 16, Type: le(Int, 2)},
	}}},
	{"[(('Temperature (K)', 'temp'), '<f4'), (('count', 'n'), '<u4')]", DType{Kind: Struct, Order: NotApplicable, Size: 8, Fields: []Field{
		{Name: "temp", Title: "Temperature (K)", Type: le(Float, 4)},
		{Name: "n", Title: "count", Offset: 4, Type: le(Uint, 4)},
	}}},
	{"[('a', ('<i4', (2,)), (3,))]", DType{Kind: Struct, Order: NotApplicable, Size: 24, Fields: []Field{
		{Name: "a", Type: le(Int, 4), Shape: []int{3, 2}, Nesting: []int{1, 1}},
	}}},
	{"[('a', (('<i4', (2, 2)), (1,)), (3,))]", DType{Kind: Struct, Order: NotApplicable, Size: 48, Fields: []Field{
		{Name: "a", Type: le(Int, 4), Shape: []int{3, 1, 2, 2}, Nesting: []int{1, 1, 2}},
	}}},
	{"[]", DType{Kind: Struct, Order: NotApplicable}},
}

func TestParseDescr(t *testing.T) {
	for _, tt := range parseTests {
		got, err := ParseDescr(tt.descr)
		if err != nil {
			t.Errorf("ParseDescr(%s): %v", tt.descr, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseDescr(%s) mismatch (-want +got):\n%s", tt.descr, diff)
		}
		if !got.Equal(tt.want) {
			t.Errorf("ParseDescr(%s).Equal(want) = false", tt.descr)
		}
	}
}

var descrErrorTests = []struct {
	descr string
	pos   int
	msg   string
	err   error
}{
	{"", 0, "unexpected end of text", ErrDescr},
	{"'<f8", 0, "unterminated string", ErrDescr},
	{"<f8", 0, "unexpected '<'", ErrDescr},
	{"3", 0, "descr is a int", ErrDescr},
	{"('<i4', (2,))", 0, "descr is a tuple", ErrDescr},
	{"'<f3'", 2, `unknown type "f3": float has no 3-byte type`, ErrDescr},
	{"'<i3'", 2, "int has no 3-byte type", ErrDescr},
	{"'c4'", 1, "complex has no 4-byte type", ErrDescr},
	{"'b2'", 1, "bool has no 2-byte type", ErrDescr},
	{"'u16'", 1, "uint has no 16-byte type", ErrDescr},
	{"'M4'", 1, "datetime64 has no 4-byte type", ErrDescr},
	{"'u'", 1, `unknown type "u"`, ErrDescr},
	{"'x8'", 1, `unknown type "x8"`, ErrDescr},
	{"'S-1'", 1, `unknown type "S-1"`, ErrDescr},
	{"' i8'", 1, `unknown type " i8"`, ErrDescr},
	{"'i8 '", 1, `unknown type "i8 "`, ErrDescr},
	{"''", 1, "empty type", ErrDescr},
	{"'<'", 2, "empty type", ErrDescr},
	{"'!f8'", 1, `unknown type "!f8"`, ErrDescr},
	{"'<f8[ns]'", 4, `unexpected "[ns]" after "f8"`, ErrDescr},
	{"'M8[ns'", 3, "invalid datetime unit", ErrDescr},
	{"'M8[ns]x'", 3, "invalid datetime unit", ErrDescr},
	{"'M8[B]'", 3, "invalid datetime unit", ErrDescr},
	{"'M8[0s]'", 3, "invalid datetime unit", ErrDescr},
	{"'M8[-1s]'", 3, "invalid datetime unit", ErrDescr},
	{"'M8[]'", 3, "invalid datetime unit", ErrDescr},
	{"'M8[99999999999s]'", 3, "invalid datetime unit", ErrDescr},
	{"'M8[2generic]'", 3, "invalid datetime unit", ErrDescr},
	{"'m[us]'", 2, `"m[us]" has a unit but no itemsize`, ErrDescr},
	{"'>m[us]'", 3, `"m[us]" has a unit but no itemsize`, ErrDescr},
	{"'<M[us]'", 3, `"M[us]" has a unit but no itemsize`, ErrDescr},
	{"'>float64'", 1, `byte order ">" before the type name "float64"`, ErrDescr},
	{"'<int8'", 1, `byte order "<" before the type name "int8"`, ErrDescr},
	{"'=bool'", 1, `byte order "=" before the type name "bool"`, ErrDescr},
	{"'|str'", 1, `byte order "|" before the type name "str"`, ErrDescr},
	{"'|O'", 2, "Python objects ('O') are pickled", ErrUnsupported},
	{"'O'", 1, "Python objects ('O') are pickled", ErrUnsupported},
	{"'object'", 1, "Python objects", ErrUnsupported},
	{"'<f16'", 2, `long double ("f16")`, ErrUnsupported},
	{"'<c32'", 2, `long double ("c32")`, ErrUnsupported},
	{"'f12'", 1, `long double ("f12")`, ErrUnsupported},
	{"'c24'", 1, `long double ("c24")`, ErrUnsupported},
	{"'g'", 1, "long double ('g')", ErrUnsupported},
	{"'G'", 1, "complex long double ('G')", ErrUnsupported},
	{"'l'", 1, "platform-dependent size", ErrUnsupported},
	{"'int'", 1, "platform-dependent size", ErrUnsupported},
	{"'S2147483648'", 2, "exceeds 2147483647 bytes", ErrOverflow},
	{"'U536870912'", 2, "exceed 2147483647 bytes", ErrOverflow},
	{"'S99999999999999999999999'", 2, "exceeds", ErrOverflow},
	{"[('a', '<i4'), ('a', '<f8')]", 15, `field name "a" used twice`, ErrDescr},
	{"[('', '<i4'), ('', '<f8')]", 14, `field name "" used twice`, ErrDescr},
	{"[(('a', 'a'), '<i4')]", 1, `field title "a" already used`, ErrDescr},
	{"[(('T', 'a'), '<i4'), ('T', '<i4')]", 22, `field name "T" used twice`, ErrDescr},
	{"[(('', 'a'), '<i4')]", 2, "empty field title", ErrDescr},
	{"[(('T', ''), '|V4')]", 1, "read back as padding", ErrDescr},
	{"[((1, 'a'), '<i4')]", 2, "field name is not a string", ErrDescr},
	{"[(('T', 'a', 'x'), '<i4')]", 2, "field name is not a string", ErrDescr},
	{"[('a',)]", 1, "field is not a tuple", ErrDescr},
	{"[('a', '<i4', (2,), 1)]", 1, "field is not a tuple", ErrDescr},
	{"['a']", 1, "field is not a tuple", ErrDescr},
	{"[5]", 1, "field is not a tuple", ErrDescr},
	{"[('a', 5)]", 7, "field format is a int", ErrDescr},
	{"[('a', ('<i4',))]", 7, "field format is a tuple", ErrDescr},
	{"[('a', '<i4', (-1,))]", 15, "negative shape entry -1", ErrDescr},
	{"[('a', '<i4', -2)]", 14, "negative shape entry -2", ErrDescr},
	{"[('a', '<i4', ('2',))]", 15, "shape entry is a string", ErrDescr},
	{"[('a', '<i4', '2')]", 14, "shape is a string", ErrDescr},
	{"[('a', '<i4', (99999999999999999999,))]", 15, "too large", ErrOverflow},
	{"[('a', '<i4', (65536, 65536))]", 1, "exceeds 2147483647 bytes", ErrOverflow},
	{"[('a', '|V2147483647'), ('b', '|u1')]", 24, "record itemsize exceeds", ErrOverflow},
	{"[('a', [('b', '<f3')])]", 16, "float has no 3-byte type", ErrDescr},
	{"[('a', '<i4')] x", 15, "after the literal", ErrDescr},
	{"[('a', b'<i4')]", 7, "bytes literals", ErrDescr},
	{strings.Repeat("[('a', ", 70) + "'<i4'" + strings.Repeat(")]", 70), 32 * 7, "nested more than 64 deep", ErrDescr},
}

func TestParseDescrErrors(t *testing.T) {
	for _, tt := range descrErrorTests {
		d, err := ParseDescr(tt.descr)
		var de *DescrError
		if !errors.As(err, &de) {
			t.Errorf("ParseDescr(%.40s) = %v, %v, want a *DescrError", tt.descr, d, err)
			continue
		}
		if de.Pos != tt.pos || !strings.Contains(de.Msg, tt.msg) || !errors.Is(err, tt.err) || de.Descr != tt.descr {
			t.Errorf("ParseDescr(%.40s) error = %q at %d (is %v: %v), want %q at %d", tt.descr, err, de.Pos, tt.err, errors.Is(err, tt.err), tt.msg, tt.pos)
		}
		if !strings.HasPrefix(err.Error(), "layout: ") {
			t.Errorf("ParseDescr(%.40s) error %q does not start with the package name", tt.descr, err)
		}
	}
}

var typeStringTests = []struct {
	in, str, typestr string // typestr "" means the same as in
}{
	{"<f8", "float64", ""},
	{">f8", ">float64", ""},
	{"|b1", "bool", ""},
	{"|i1", "int8", ""},
	{"<u2", "uint16", ""},
	{">i4", ">int32", ""},
	{"<f2", "float16", ""},
	{"<c8", "complex64", ""},
	{">c16", ">complex128", ""},
	{"|S12", "S12", ""},
	{"<U3", "U3", ""},
	{">U3", ">U3", ""},
	{"|V16", "V16", ""},
	{"<M8[ns]", "datetime64[ns]", ""},
	{"<m8[10s]", "timedelta64[10s]", ""},
	{">M8", ">datetime64", ""},
	{"d", "float64", "<f8"},
	{"datetime64[25us]", "datetime64[25us]", "<M8[25us]"},
}

func TestTypeString(t *testing.T) {
	if NativeOrder != LittleEndian {
		t.Skip("expected texts are for a little-endian machine")
	}
	for _, tt := range typeStringTests {
		d, err := ParseTypeString(tt.in)
		if err != nil {
			t.Errorf("ParseTypeString(%q): %v", tt.in, err)
			continue
		}
		want := tt.typestr
		if want == "" {
			want = tt.in
		}
		if got := d.TypeString(); got != want {
			t.Errorf("ParseTypeString(%q).TypeString() = %q, want %q", tt.in, got, want)
		}
		if got := d.String(); got != tt.str {
			t.Errorf("ParseTypeString(%q).String() = %q, want %q", tt.in, got, tt.str)
		}
	}
}

func TestRecordStrings(t *testing.T) {
	if NativeOrder != LittleEndian {
		t.Skip("expected texts are for a little-endian machine")
	}
	tests := []struct{ descr, str, typestr string }{
		{"[('name', '|S12'), ('time', '<i8'), ('value', '<f4')]", "{name: S12, time: int64, value: float32}", "|V24"},
		{"[('a', '|u1'), ('', '|V7'), ('b', '<f8'), ('c', '<i2'), ('', '|V6')]", "{a: uint8, b@8: float64, c: int16; 24 bytes}", "|V24"},
		{"[('pos', '>f4', (2, 3)), ('m', [('a', '<i2')])]", "{pos: (2,3)>float32, m: {a: int16}}", "|V26"},
		{"[]", "{}", "|V0"},
		{"[('c', ('<f8', (5,)), (2,))]", "{c: (2,)(5,)float64}", "|V80"},
	}
	for _, tt := range tests {
		d, err := ParseDescr(tt.descr)
		if err != nil {
			t.Fatalf("ParseDescr(%s): %v", tt.descr, err)
		}
		if got := d.String(); got != tt.str {
			t.Errorf("ParseDescr(%s).String() = %q, want %q", tt.descr, got, tt.str)
		}
		if got := d.TypeString(); got != tt.typestr {
			t.Errorf("ParseDescr(%s).TypeString() = %q, want %q", tt.descr, got, tt.typestr)
		}
	}
}

func TestStructOf(t *testing.T) {
	i4 := le(Int, 4)
	tests := []struct {
		name   string
		fields []Field
		size   int
		descr  string // "" when Descr must fail
		err    error  // from StructOf
	}{
		{"packed", []Field{{Name: "a", Type: i4}, {Name: "b", Offset: 4, Type: i4}}, 8, "[('a', '<i4'), ('b', '<i4')]", nil},
		{"gaps", []Field{{Name: "a", Offset: 2, Type: i4}, {Name: "b", Offset: 8, Type: i4, Shape: []int{}}}, 16, "[('', '|V2'), ('a', '<i4'), ('', '|V2'), ('b', '<i4'), ('', '|V4')]", nil},
		{"out of order", []Field{{Name: "a", Offset: 4, Type: i4}, {Name: "b", Type: i4}}, 8, "", nil},
		{"overlap", []Field{{Name: "a", Type: i4}, {Name: "b", Offset: 2, Type: i4}}, 8, "", nil},
		{"too small", []Field{{Name: "a", Offset: 6, Type: i4}}, 8, "", ErrDescr},
		{"negative offset", []Field{{Name: "a", Offset: -1, Type: i4}}, 8, "", ErrDescr},
		{"duplicate", []Field{{Name: "a", Type: i4}, {Name: "a", Offset: 4, Type: i4}}, 8, "", ErrDescr},
		{"title clash", []Field{{Name: "a", Type: i4}, {Name: "b", Title: "a", Offset: 4, Type: i4}}, 8, "", ErrDescr},
		{"unnamed void", []Field{{Name: "", Type: na(Void, 4)}}, 4, "", ErrDescr},
		{"bad type", []Field{{Name: "a", Type: le(Float, 3)}}, 4, "", ErrDescr},
		{"order on a byte", []Field{{Name: "a", Type: le(Uint, 1)}}, 4, "", ErrDescr},
		{"no order", []Field{{Name: "a", Type: na(Int, 4)}}, 4, "", ErrDescr},
		{"negative shape", []Field{{Name: "a", Type: i4, Shape: []int{-1}}}, 4, "", ErrShape},
		{"huge shape", []Field{{Name: "a", Type: i4, Shape: []int{1 << 20, 1 << 20}}}, 4, "", ErrOverflow},
		{"negative size", nil, -1, "", ErrDescr},
		{"nested", []Field{{Name: "a", Type: i4, Shape: []int{2, 3, 4}, Nesting: []int{2, 1}}}, 96, "[('a', ('<i4', (4,)), (2, 3))]", nil},
		{"one level", []Field{{Name: "a", Type: i4, Shape: []int{2, 3}, Nesting: []int{2}}}, 24, "[('a', '<i4', (2, 3))]", nil},
		{"nesting short", []Field{{Name: "a", Type: i4, Shape: []int{2, 3, 4}, Nesting: []int{1, 1}}}, 96, "", ErrDescr},
		{"nesting long", []Field{{Name: "a", Type: i4, Shape: []int{2, 3}, Nesting: []int{1, 2}}}, 24, "", ErrDescr},
		{"nesting zero", []Field{{Name: "a", Type: i4, Shape: []int{2, 3}, Nesting: []int{2, 0}}}, 24, "", ErrDescr},
		{"nesting scalar", []Field{{Name: "a", Type: i4, Nesting: []int{1}}}, 4, "", ErrDescr},
		{"bad unit", []Field{{Name: "t", Type: DType{Kind: Datetime, Order: LittleEndian, Size: 8, Unit: "ns"}}}, 8, "", ErrDescr},
	}
	for _, tt := range tests {
		d, err := StructOf(tt.fields, tt.size)
		if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
			t.Errorf("%s: StructOf error = %v, want %v", tt.name, err, tt.err)
			continue
		}
		if err != nil {
			continue
		}
		got, err := d.Descr()
		if tt.descr == "" {
			if err == nil || !errors.Is(err, ErrDescr) {
				t.Errorf("%s: Descr() = %s, %v, want an error", tt.name, got, err)
			}
			continue
		}
		if err != nil || got != tt.descr {
			t.Errorf("%s: Descr() = %s, %v, want %s", tt.name, got, err, tt.descr)
		}
	}
}

func TestField(t *testing.T) {
	d, err := ParseDescr("[('id', '<u2'), ('meta', [('a', '<i2'), ('b.c', '|u1', (2, 2))]), ('arr', [('x', '<i4')], (2,)), ('meta.a', '<f8')]")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path   string
		ok     bool
		offset int
		typ    string
	}{
		{"id", true, 0, "uint16"},
		{"meta", true, 2, "{a: int16, b.c: (2,2)uint8}"},
		{"meta.a", true, 16, "float64"}, // a name with a dot wins
		{"meta.b.c", true, 4, "uint8"},
		{"arr", true, 8, "{x: int32}"},
		{"arr.x", false, 0, ""},
		{"nope", false, 0, ""},
		{"meta.nope", false, 0, ""},
		{"", false, 0, ""},
	}
	for _, tt := range tests {
		f, ok := d.Field(tt.path)
		if ok != tt.ok || ok && (f.Offset != tt.offset || f.Type.String() != tt.typ) {
			t.Errorf("Field(%q) = %+v, %v, want offset %d type %s, %v", tt.path, f, ok, tt.offset, tt.typ, tt.ok)
		}
	}
	if _, ok := Float64.Field("a"); ok {
		t.Errorf("Float64.Field(\"a\") found a field")
	}
}

func TestEqual(t *testing.T) {
	a, _ := ParseDescr("[('x', '<i4'), ('y', '>f8', (2,))]")
	b, _ := ParseDescr("[('x', '<i4'), ('y', '>f8', 2)]")
	c, _ := ParseDescr("[('x', '<i4'), ('y', '<f8', (2,))]")
	d, _ := ParseDescr("[('x', '<i4'), ('y', '>f8', (1, 2))]")
	e, _ := ParseDescr("[(('X', 'x'), '<i4'), ('y', '>f8', (2,))]")
	n1, _ := ParseDescr("[('x', '<i4'), ('y', '>f8', (1, 2))]")
	n2, _ := ParseDescr("[('x', '<i4'), ('y', ('>f8', (2,)), (1,))]")
	if n1.Equal(n2) || n2.Equal(n1) {
		t.Errorf("%v Equal to %v: the nesting differs", n1, n2)
	}
	if !a.Equal(b) {
		t.Errorf("%v not Equal to %v", a, b)
	}
	for _, o := range []DType{c, d, e, Float64} {
		if a.Equal(o) {
			t.Errorf("%v Equal to %v", a, o)
		}
	}
	s := DType{Kind: Struct, Order: NotApplicable, Size: 4, Fields: []Field{{Name: "a", Type: Int32}}}
	s2 := DType{Kind: Struct, Order: NotApplicable, Size: 4, Fields: []Field{{Name: "a", Type: Int32, Shape: []int{}}}}
	if !s.Equal(s2) {
		t.Errorf("nil and empty Shape not Equal")
	}
}

func TestIsNativeOrder(t *testing.T) {
	other := "<"
	if NativeOrder == LittleEndian {
		other = ">"
	}
	tests := []struct {
		descr string
		want  bool
	}{
		{"'=f8'", true},
		{"'" + other + "f8'", false},
		{"'" + other + "i1'", true},
		{"'" + other + "S4'", true},
		{"[('a', '=i4'), ('b', [('c', '" + other + "u2')])]", false},
		{"[('a', '=i4'), ('b', [('c', '|u1')])]", true},
	}
	for _, tt := range tests {
		d, err := ParseDescr(tt.descr)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.IsNativeOrder(); got != tt.want {
			t.Errorf("ParseDescr(%s).IsNativeOrder() = %v, want %v", tt.descr, got, tt.want)
		}
	}
}

func FuzzParseDescr(f *testing.F) {
	for _, tt := range descrTests {
		if len(tt.descr) < 1000 {
			f.Add(tt.descr)
		}
	}
	for _, tt := range readTests {
		f.Add(tt.in)
	}
	for _, tt := range descrErrorTests {
		f.Add(tt.descr)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDescr(s)
		if err != nil {
			var de *DescrError
			if !errors.As(err, &de) || de.Pos < 0 || de.Pos > len(s) {
				t.Fatalf("ParseDescr(%q) error %v is not a *DescrError within the text", s, err)
			}
			return
		}
		_ = d.String()
		_ = d.TypeString()
		text, err := d.Descr()
		if err != nil {
			t.Fatalf("ParseDescr(%q) = %v, but Descr(): %v", s, d, err)
		}
		again, err := ParseDescr(text)
		if err != nil {
			t.Fatalf("ParseDescr(%q) renders as %q, which does not parse: %v", s, text, err)
		}
		if !again.Equal(d) {
			t.Fatalf("ParseDescr(%q) = %v renders as %q, which parses to %v", s, d, text, again)
		}
		if text2, _ := again.Descr(); text2 != text {
			t.Fatalf("%q renders as %q, then as %q", s, text, text2)
		}
	})
}
