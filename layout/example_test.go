package layout_test

import (
	"fmt"
	"reflect"

	"github.com/ndmap/ndmap/layout"
)

func ExampleParseDescr() {
	d, err := layout.ParseDescr("[('name', '|S12'), ('time', '<i8'), ('pos', '<f4', (3,))]")
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Size)
	f, _ := d.Field("time")
	fmt.Println(f.Offset, f.Type.TypeString())
	descr, _ := d.Descr()
	fmt.Println(descr)
	// Output:
	// 32
	// 12 <i8
	// [('name', '|S12'), ('time', '<i8'), ('pos', '<f4', (3,))]
}

func ExampleDType_String() {
	for _, s := range []string{"<f8", ">i4", "S12", "<U3", "<M8[ns]", "m8[10s]"} {
		d, err := layout.ParseTypeString(s)
		if err != nil {
			panic(err)
		}
		fmt.Println(d) // as printed on a little-endian machine
	}
	// Output:
	// float64
	// >int32
	// S12
	// U3
	// datetime64[ns]
	// timedelta64[10s]
}

func ExampleCStrides() {
	fmt.Println(layout.CStrides([]int{2, 3, 4}, 8))
	fmt.Println(layout.FortranStrides([]int{2, 3, 4}, 8))
	n, err := layout.ByteSize([]int{1 << 20, 1 << 20, 1 << 20}, 8)
	fmt.Println(n, err)
	// Output:
	// [96 32 8]
	// [8 16 48]
	// 0 layout: size overflows: shape [1048576 1048576 1048576] of 8-byte items exceeds 9223372036854775807 bytes
}

type Sample struct {
	Name  [10]byte `npy:"name"`
	Time  int32    `npy:"time"`
	Value float32  `npy:"value"`
}

func ExampleMatch() {
	// NumPy's np.dtype([('name', 'S10'), ('time', '<i4'), ('value', '<f4')])
	// is packed: time is at byte 10, where Go aligns it to 12.
	d, _ := layout.ParseDescr("[('name', '|S10'), ('time', '<i4'), ('value', '<f4')]")
	fmt.Println(layout.Match(d, reflect.TypeFor[Sample]()))
	// Output:
	// layout: field "time" is at byte 10 in the file but 12 in layout_test.Sample; NumPy packs records unless align=True; read fields one by one with field views instead
}

func ExampleFloat16() {
	h := layout.Float16FromFloat64(0.1)
	fmt.Printf("%#04x %v\n", uint16(h), h.Float32())
	fmt.Println(layout.Float16FromFloat32(65520).Float32()) // rounds to +Inf
	// Output:
	// 0x2e66 0.099975586
	// +Inf
}
