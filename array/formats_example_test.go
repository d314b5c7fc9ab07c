package array_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/header/mrc"
	"github.com/ndmap/ndmap/header/nifti"
	"github.com/ndmap/ndmap/header/spikeglx"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// A file of another format opens by its path as a .npy file does; its
// metadata comes from the format's package.
func ExampleOpen_format() {
	a, err := array.Open[float32]("../testdata/mrc/float32_stack.mrcs", mmap.ReadOnly)
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	h, err := mrc.ReadFile("../testdata/mrc/float32_stack.mrcs")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s %v %.2f\n", a.Format(), a.Shape(), h.VoxelSize())
	fmt.Println(a.Index(2).At(3, 5)) // the last pixel of the last image
	// Output:
	// mrc [3 4 6] [0.80 0.80 0.80]
	// 10.142858
}

// Scaled NIfTI voxels, as nibabel's get_fdata gives them: the view holds
// the stored int16 values, and CopyScaled applies scl_slope and scl_inter.
func ExampleCopyScaled() {
	const path = "../testdata/nifti/int16_scaled.nii"
	a, err := array.Open[int16](path, mmap.ReadOnly)
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	h, _, err := nifti.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	x := a.Slice(array.All, array.Idx(0), array.Idx(0), array.Idx(0)) // [:, 0, 0, 0]
	voxels := make([]float64, x.Size())
	array.CopyScaled(voxels, x, h.Scale)
	fmt.Println(a.Shape(), h.Scale)
	fmt.Println(x, voxels)
	// Output:
	// [3 2 2 2] {2.5 -10}
	// array([-7, 1, 9], dtype=int16, shape=(3,)) [-27.5 -7.5 12.5]
}

// A SpikeGLX channel in volts: the column of the (samples, channels) array,
// scaled by the channel's gain from the .meta file.
func ExampleCopyScaledColumns() {
	const bin = "../testdata/spikeglx/run_g0/run_g0_t0.nidq.bin"
	a, err := array.Open[int16](bin, mmap.ReadOnly)
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	metaFile, err := spikeglx.MetaFile(bin)
	if err != nil {
		log.Fatal(err)
	}
	meta, err := spikeglx.ReadFile(metaFile)
	if err != nil {
		log.Fatal(err)
	}
	volts, err := meta.VoltsPerCount()
	if err != nil {
		log.Fatal(err)
	}
	scales := make([]header.Scale, len(volts))
	for j, v := range volts {
		scales[j] = header.Scale{Slope: v}
	}
	first := a.Slice(array.To(2)) // two time points, every channel
	v := make([]float64, first.Size())
	array.CopyScaledColumns(v, first, scales)
	fmt.Println(a.Shape(), meta.SampleRate)
	fmt.Printf("%.4g\n", v)

	ch := make([]float32, 4)
	array.CopyScaled(ch, a.Slice(array.To(4), array.Idx(3)), scales[3]) // channel 3 alone
	fmt.Printf("%.4g\n", ch)
	// Output:
	// [50 6] 25000
	// [-0.0003761 -0.0002991 -0.0222 -0.02899 -0.01358 0 -0.0003479 -0.0002708 -0.01938 -0.02335 -0.007935 5]
	// [-0.02899 -0.02335 -0.0177 -0.01205]
}

// An MRC volume made with its voxel size; Close writes the statistics of
// the data into its header, as mrcfile does.
func ExampleCreateFormat() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "volume.mrc")

	h, err := mrc.New(layout.Float32, []int{2, 3, 4}) // (nz, ny, nx)
	if err != nil {
		log.Fatal(err)
	}
	h.SetVoxelSize(1.06, 1.06, 1.06)
	a, err := array.CreateFormat[float32](path, h)
	if err != nil {
		log.Fatal(err)
	}
	a.Index(1).Fill(2) // the second section
	if err := a.Close(); err != nil {
		log.Fatal(err)
	}

	got, err := mrc.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.2f %+v\n", got.VoxelSize(), got.Stats)
	// Output:
	// [1.06 1.06 1.06] {Min:0 Max:2 Mean:1 RMS:1}
}
