package layout

import (
	"encoding/binary"
	"math"
	"os"
	"testing"
)

func readFloat16Table(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/float16/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFloat16To compares both widenings of all 65536 halves with NumPy's.
func TestFloat16To(t *testing.T) {
	to32 := readFloat16Table(t, "to32.bin")
	to64 := readFloat16Table(t, "to64.bin")
	if len(to32) != 4<<16 || len(to64) != 8<<16 {
		t.Fatalf("tables are %d and %d bytes", len(to32), len(to64))
	}
	bad := 0
	for i := range 1 << 16 {
		h := Float16(i)
		want32 := binary.LittleEndian.Uint32(to32[4*i:])
		want64 := binary.LittleEndian.Uint64(to64[8*i:])
		got32 := math.Float32bits(h.Float32())
		got64 := math.Float64bits(h.Float64())
		if got32 != want32 || got64 != want64 {
			if bad++; bad <= 10 {
				t.Errorf("Float16(%#04x): Float32 bits %#08x, Float64 bits %#016x; NumPy %#08x, %#016x", i, got32, got64, want32, want64)
			}
		}
	}
}

// TestFloat16From compares the roundings of values at every boundary
// between halves with NumPy's.
func TestFloat16From(t *testing.T) {
	from32 := readFloat16Table(t, "from32.bin")
	from64 := readFloat16Table(t, "from64.bin")
	if len(from32)%6 != 0 || len(from64)%10 != 0 || len(from32) < 6*90000 || len(from64) < 10*35000 {
		t.Fatalf("tables are %d and %d bytes", len(from32), len(from64))
	}
	bad := 0
	for r := from32; len(r) > 0; r = r[6:] {
		in := binary.LittleEndian.Uint32(r)
		want := Float16(binary.LittleEndian.Uint16(r[4:]))
		f := math.Float32frombits(in)
		got := Float16FromFloat32(f)
		if got != want {
			if bad++; bad <= 10 {
				t.Errorf("Float16FromFloat32(%g, bits %#08x) = %#04x, NumPy %#04x", f, in, uint16(got), uint16(want))
			}
		}
		// The rounding is symmetric in sign.
		if neg := Float16FromFloat32(math.Float32frombits(in ^ 1<<31)); neg != got^0x8000 {
			if bad++; bad <= 10 {
				t.Errorf("Float16FromFloat32 of %#08x and its negation: %#04x, %#04x", in, uint16(got), uint16(neg))
			}
		}
	}
	for r := from64; len(r) > 0; r = r[10:] {
		in := binary.LittleEndian.Uint64(r)
		want := Float16(binary.LittleEndian.Uint16(r[8:]))
		f := math.Float64frombits(in)
		got := Float16FromFloat64(f)
		if got != want {
			if bad++; bad <= 10 {
				t.Errorf("Float16FromFloat64(%g, bits %#016x) = %#04x, NumPy %#04x", f, in, uint16(got), uint16(want))
			}
		}
		if neg := Float16FromFloat64(math.Float64frombits(in ^ 1<<63)); neg != got^0x8000 {
			if bad++; bad <= 10 {
				t.Errorf("Float16FromFloat64 of %#016x and its negation: %#04x, %#04x", in, uint16(got), uint16(neg))
			}
		}
	}
}

// TestFloat16RoundTrip checks that every half survives both round trips.
func TestFloat16RoundTrip(t *testing.T) {
	for i := range 1 << 16 {
		h := Float16(i)
		if got := Float16FromFloat32(h.Float32()); got != h {
			t.Errorf("Float16FromFloat32(Float16(%#04x).Float32()) = %#04x", i, uint16(got))
		}
		if got := Float16FromFloat64(h.Float64()); got != h {
			t.Errorf("Float16FromFloat64(Float16(%#04x).Float64()) = %#04x", i, uint16(got))
		}
	}
}

// TestFloat16DoubleRounding checks a value that rounding through float32
// would get wrong: just above a midpoint by less than float32 resolves.
func TestFloat16DoubleRounding(t *testing.T) {
	f := 1 + 1.0/2048 + 1.0/(1<<40) // above the midpoint between 1 and 1+2⁻¹⁰
	if got := Float16FromFloat64(f); got != 0x3c01 {
		t.Errorf("Float16FromFloat64(%v) = %#04x, want 0x3c01", f, uint16(got))
	}
	if got := Float16FromFloat32(float32(f)); got != 0x3c00 {
		t.Errorf("Float16FromFloat32(%v) = %#04x, want 0x3c00", float32(f), uint16(got))
	}
}
