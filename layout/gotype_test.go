package layout

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

type point struct {
	X, Y float32
}

type rec struct {
	Name  [12]byte `npy:"name"`
	Time  int64    `npy:"time"`
	Value float32  `npy:"value"`
}

type packedRec struct {
	Name  [12]byte `npy:"name"`
	Time  uint32   `npy:"time"`
	Value float32  `npy:"value"`
}

type tagged struct {
	A       uint8
	skipped int32
	B       int16 `npy:"-"`
	C       [2][3]float64
	P       point `npy:"p"`
	Ps      [4]point
	Names   [2][5]byte
	Runes   [3]rune
	H       Float16
	Ok      bool
	Z       complex64
	N       int
	U       uint
	Unused  [0]int32
	Shadows int8 `npy:"A2,omitempty"`
}

type withString struct {
	A int32
	S string
}

type dup struct {
	A int32 `npy:"x"`
	B int32 `npy:"x"`
}

type hidden struct{ a, b int32 }

type nativeInt = int

func TestTypeOf(t *testing.T) {
	intSize := int(unsafe.Sizeof(int(0)))
	tests := []struct {
		t    reflect.Type
		want string // String() of the dtype
	}{
		{reflect.TypeFor[bool](), "bool"},
		{reflect.TypeFor[int8](), "int8"},
		{reflect.TypeFor[int16](), "int16"},
		{reflect.TypeFor[int32](), "int32"},
		{reflect.TypeFor[int64](), "int64"},
		{reflect.TypeFor[uint8](), "uint8"},
		{reflect.TypeFor[uint16](), "uint16"},
		{reflect.TypeFor[uint32](), "uint32"},
		{reflect.TypeFor[uint64](), "uint64"},
		{reflect.TypeFor[nativeInt](), "int" + map[int]string{4: "32", 8: "64"}[intSize]},
		{reflect.TypeFor[uint](), "uint" + map[int]string{4: "32", 8: "64"}[intSize]},
		{reflect.TypeFor[float32](), "float32"},
		{reflect.TypeFor[float64](), "float64"},
		{reflect.TypeFor[Float16](), "float16"},
		{reflect.TypeFor[complex64](), "complex64"},
		{reflect.TypeFor[complex128](), "complex128"},
		{reflect.TypeFor[[12]byte](), "S12"},
		{reflect.TypeFor[[0]byte](), "S0"},
		{reflect.TypeFor[point](), "{X: float32, Y: float32}"},
		{reflect.TypeFor[packedRec](), "{name: S12, time: uint32, value: float32}"},
	}
	for _, tt := range tests {
		d, err := TypeOf(tt.t)
		if err != nil {
			t.Errorf("TypeOf(%v): %v", tt.t, err)
			continue
		}
		if got := d.String(); got != tt.want {
			t.Errorf("TypeOf(%v) = %s, want %s", tt.t, got, tt.want)
		}
		if !d.IsNativeOrder() {
			t.Errorf("TypeOf(%v) = %v is not in native order", tt.t, d)
		}
	}
}

func TestTypeOfAlignment(t *testing.T) {
	d, err := For[rec]()
	if err != nil {
		t.Fatal(err)
	}
	want := "{name: S12, time@16: int64, value: float32; 32 bytes}"
	if unsafe.Alignof(int64(0)) == 4 {
		want = "{name: S12, time: int64, value: float32}"
	}
	if got := d.String(); got != want {
		t.Errorf("For[rec]() = %s, want %s", got, want)
	}
}

func TestTypeOfStruct(t *testing.T) {
	d, err := For[tagged]()
	if err != nil {
		t.Fatal(err)
	}
	typ := reflect.TypeFor[tagged]()
	off := func(name string) int {
		f, _ := typ.FieldByName(name)
		return int(f.Offset)
	}
	p, _ := For[point]()
	want := []Field{
		{Name: "A", Offset: off("A"), Type: Uint8},
		{Name: "C", Offset: off("C"), Type: Float64, Shape: []int{2, 3}},
		{Name: "p", Offset: off("P"), Type: p},
		{Name: "Ps", Offset: off("Ps"), Type: p, Shape: []int{4}},
		{Name: "Names", Offset: off("Names"), Type: DType{Kind: Bytes, Order: NotApplicable, Size: 5}, Shape: []int{2}},
		{Name: "Runes", Offset: off("Runes"), Type: Int32, Shape: []int{3}},
		{Name: "H", Offset: off("H"), Type: Half},
		{Name: "Ok", Offset: off("Ok"), Type: Bool8},
		{Name: "Z", Offset: off("Z"), Type: Complex64},
		{Name: "N", Offset: off("N"), Type: map[uintptr]DType{4: Int32, 8: Int64}[unsafe.Sizeof(0)]},
		{Name: "U", Offset: off("U"), Type: map[uintptr]DType{4: Uint32, 8: Uint64}[unsafe.Sizeof(0)]},
		{Name: "Unused", Offset: off("Unused"), Type: Int32, Shape: []int{0}},
		{Name: "A2", Offset: off("Shadows"), Type: Int8},
	}
	wantD := DType{Kind: Struct, Order: NotApplicable, Size: int(typ.Size()), Fields: want}
	if !d.Equal(wantD) {
		t.Errorf("For[tagged]() =\n%v\nwant\n%v", d, wantD)
	}
	// The skipped int32 and B become padding in the descr.
	if _, err := d.Descr(); err != nil {
		t.Errorf("Descr of %v: %v", d, err)
	}
	if err := Overlay(d, typ); err != nil {
		t.Errorf("Overlay(For[tagged](), tagged): %v", err)
	}
}

func TestTypeOfErrors(t *testing.T) {
	tests := []struct {
		t   reflect.Type
		msg string
		err error
	}{
		{reflect.TypeFor[string](), "strings have no fixed size; use [N]byte", ErrUnsupported},
		{reflect.TypeFor[uintptr](), "uintptr holds addresses", ErrUnsupported},
		{reflect.TypeFor[*int](), "a ptr refers to memory elsewhere", ErrUnsupported},
		{reflect.TypeFor[[]int](), "a slice refers", ErrUnsupported},
		{reflect.TypeFor[map[int]int](), "a map refers", ErrUnsupported},
		{reflect.TypeFor[chan int](), "a chan refers", ErrUnsupported},
		{reflect.TypeFor[func()](), "a func refers", ErrUnsupported},
		{reflect.TypeFor[any](), "a interface refers", ErrUnsupported},
		{reflect.TypeFor[unsafe.Pointer](), "a unsafe.Pointer refers", ErrUnsupported},
		{reflect.TypeFor[[3]float64](), "is an array", ErrUnsupported},
		{reflect.TypeFor[withString](), "layout: unsupported dtype: field S of layout.withString: Go type string", ErrUnsupported},
		{reflect.TypeFor[dup](), `fields A and B both have the name "x"`, ErrDescr},
		{reflect.TypeFor[hidden](), "has no exported fields", ErrUnsupported},
		{reflect.TypeFor[struct{}](), "has no exported fields", ErrUnsupported},
		{nil, "nil reflect.Type", ErrUnsupported},
	}
	for _, tt := range tests {
		_, err := TypeOf(tt.t)
		if !errors.Is(err, tt.err) || err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("TypeOf(%v) error = %v, want %q (%v)", tt.t, err, tt.msg, tt.err)
		}
	}
}

func mustParse(t *testing.T, descr string) DType {
	t.Helper()
	d, err := ParseDescr(descr)
	if err != nil {
		t.Fatalf("ParseDescr(%s): %v", descr, err)
	}
	return d
}

type aligned struct {
	A uint8   `npy:"a"`
	B float64 `npy:"b"`
	C int16   `npy:"c"`
}

type nested struct {
	ID   uint16     `npy:"id"`
	Pos  [3]float32 `npy:"pos"`
	Meta struct {
		A int16      `npy:"a"`
		B [2][2]byte `npy:"b"`
	} `npy:"meta"`
	Grid [2][3]int32 `npy:"grid"`
}

type times struct {
	T int64   `npy:"t"`
	D int64   `npy:"d"`
	U [2]rune `npy:"u"`
	V [3]byte `npy:"v"`
}

type subset struct {
	B float64 `npy:"b"`
}

func TestMatch(t *testing.T) {
	other := ">"
	if NativeOrder == BigEndian {
		other = "<"
	}
	tests := []struct {
		descr   string
		t       reflect.Type
		match   string // "" when Match succeeds, else part of its message
		overlay string // the same for Overlay
		align8  bool   // the case assumes Go aligns int64 and float64 to 8 bytes
	}{
		{"'=f8'", reflect.TypeFor[float64](), "", "", false},
		{"'" + other + "f8'", reflect.TypeFor[float64](), "", `items are ` + other + `float64 in the file, not in this machine's byte order, so float64 cannot overlay them in place`, false},
		{"'=f4'", reflect.TypeFor[float64](), "items are float32 in the file, not float64", "items are float32", false},
		{"'=i8'", reflect.TypeFor[uint64](), "items are int64 in the file, not uint64", "items are int64", false},
		{"'=f2'", reflect.TypeFor[Float16](), "", "", false},
		{"'=f2'", reflect.TypeFor[uint16](), "items are float16 in the file, not uint16", "float16", false},
		{"'|b1'", reflect.TypeFor[bool](), "", "", false},
		{"'|b1'", reflect.TypeFor[uint8](), "items are bool in the file, not uint8", "bool", false},
		{"'=M8[ns]'", reflect.TypeFor[int64](), "", "", false},
		{"'=m8[10s]'", reflect.TypeFor[int64](), "", "", false},
		{"'|S5'", reflect.TypeFor[[5]byte](), "", "", false},
		{"'|S5'", reflect.TypeFor[[6]byte](), "items are S5 in the file, not [6]uint8", "S5", false},
		{"'|V4'", reflect.TypeFor[[4]byte](), "", "", false},
		{"'=U3'", reflect.TypeFor[[3]rune](), "", "", false},
		{"'" + other + "U3'", reflect.TypeFor[[3]rune](), "", "not in this machine's byte order", false},
		{"'=U3'", reflect.TypeFor[[3]uint32](), "items are U3 in the file, not [3]uint32", "U3", false},
		{"'=f8'", reflect.TypeFor[string](), "Go type string: strings have no fixed size", "strings", false},
		{"'=f8'", reflect.TypeFor[point](), "items are float64 in the file, not layout.point", "float64", false},
		{"[('X', '=f4'), ('Y', '=f4')]", reflect.TypeFor[point](), "", "", false},
		{"[('X', '=f4'), ('Y', '" + other + "f4')]", reflect.TypeFor[point](), "", `field "Y" is ` + other + `float32 in the file, not in this machine's byte order`, false},
		{"[('X', '=f4'), ('Y', '=f4')]", reflect.TypeFor[float32](), "items are {X: float32, Y: float32} in the file, not float32", "items", false},
		{"[('X', '=f4'), ('Z', '=f4')]", reflect.TypeFor[point](), `field "Y" of layout.point is not in the file, whose fields are: X, Z`, "not in the file", false},
		{"[('Y', '=f4'), ('X', '=f4')]", reflect.TypeFor[point](), `field "X" is at byte 4 in the file but 0 in layout.point; NumPy packs records unless align=True; read fields one by one with field views instead`, "byte 4", false},
		{"[('X', '=f4'), ('Y', '=i4')]", reflect.TypeFor[point](), `field "Y" is int32 in the file but float32 in layout.point`, "int32", false},
		{"[('X', '=f4'), ('Y', '=f4'), ('', '|V4')]", reflect.TypeFor[point](), `records are 12 bytes in the file but layout.point is 8; NumPy packs records`, "12 bytes", false},
		{"[('name', '|S12'), ('time', '=i8'), ('value', '=f4')]", reflect.TypeFor[rec](), `field "time" is at byte 12 in the file but 16 in layout.rec; NumPy packs records unless align=True`, "byte 12", true},
		{"[('name', '|S12'), ('time', '=u4'), ('value', '=f4')]", reflect.TypeFor[packedRec](), "", "", false},
		{"[('name', '|S12'), ('time', '=i4'), ('value', '=f4')]", reflect.TypeFor[packedRec](), `field "time" is int32 in the file but uint32 in layout.packedRec`, "int32", false},
		{"[('a', '|u1'), ('', '|V7'), ('b', '=f8'), ('c', '=i2'), ('', '|V6')]", reflect.TypeFor[aligned](), "", "", true},
		{"[('a', '|u1'), ('', '|V7'), ('b', '=f8'), ('c', '=i2'), ('', '|V6')]", reflect.TypeFor[subset](), `field "b" is at byte 8 in the file but 0 in layout.subset`, "byte 8", false},
		{"[('b', '=f8')]", reflect.TypeFor[subset](), "", "", false},
		{"[('b', '=f8'), ('extra', '=f8')]", reflect.TypeFor[subset](), `records are 16 bytes`, "16 bytes", false},
		{"[('id', '=u2'), ('', '|V2'), ('pos', '=f4', (3,)), ('meta', [('a', '=i2'), ('b', '|u1', (2, 2))]), ('', '|V2'), ('grid', '=i4', (2, 3))]", reflect.TypeFor[nested](), "", "", false},
		{"[('id', '=u2'), ('', '|V2'), ('pos', '=f4', (3,)), ('meta', [('a', '=i2'), ('b', '|S2', (2,))]), ('', '|V2'), ('grid', '=i4', (2, 3))]", reflect.TypeFor[nested](), "", "", false},
		{"[('id', '=u2'), ('', '|V2'), ('pos', '=f4', (3,)), ('meta', [('a', '=i2'), ('b', '|i1', (2, 2))]), ('', '|V2'), ('grid', '=i4', (2, 3))]", reflect.TypeFor[nested](), `field "meta.b" is (2,2)int8 in the file but [2][2]uint8 in layout.nested`, "meta.b", false},
		{"[('id', '=u2'), ('', '|V2'), ('pos', '=f4', (3,)), ('meta', [('a', '=i2'), ('b', '|u1', (2, 2))]), ('', '|V2'), ('grid', '=i4', (3, 2))]", reflect.TypeFor[nested](), `field "grid" is (3,2)int32 in the file but [2][3]int32 in layout.nested`, "grid", false},
		{"[('id', '=u2'), ('', '|V2'), ('pos', '=f4', (3,)), ('meta', [('a', '=i2'), ('b', '|u1', (2, 2)), ('', '|V2')]), ('grid', '=i4', (2, 3))]", reflect.TypeFor[nested](), `records are 8 bytes in the file but struct`, "meta", false},
		{"[('t', '=M8[us]'), ('d', '" + other + "m8[s]'), ('u', '=U2'), ('v', '|S3'), ('', '|V5')]", reflect.TypeFor[times](), "", `field "d" is ` + other + `timedelta64[s] in the file`, true},
		{"[('X', '=f4'), ('Y', '=f4')]", reflect.TypeFor[[2]point](), "items are {X: float32, Y: float32} in the file, not [2]layout.point", "items", false},
	}
	align8 := unsafe.Alignof(int64(0)) == 8 && unsafe.Alignof(float64(0)) == 8
	for _, tt := range tests {
		if tt.align8 && !align8 {
			continue
		}
		d := mustParse(t, tt.descr)
		for _, c := range []struct {
			name string
			fn   func(DType, reflect.Type) error
			want string
		}{{"Match", Match, tt.match}, {"Overlay", Overlay, tt.overlay}} {
			err := c.fn(d, tt.t)
			if c.want == "" {
				if err != nil {
					t.Errorf("%s(%s, %v): %v", c.name, tt.descr, tt.t, err)
				}
				continue
			}
			var me *MismatchError
			if !errors.As(err, &me) || !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "layout: ") {
				t.Errorf("%s(%s, %v) = %v, want an error containing %q", c.name, tt.descr, tt.t, err, c.want)
			}
		}
	}
}
