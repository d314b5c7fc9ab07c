package dataset_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/dataset"
)

// A folder of .npy files, one per time step, read as one array.
func ExampleOpenShards() {
	dir, _ := os.MkdirTemp("", "shards")
	defer os.RemoveAll(dir)
	for k := range 12 { // step_0.npy ... step_11.npy, two (2, 3) frames each
		frames := make([]float32, 2*2*3)
		for i := range frames {
			frames[i] = float32(100*k + i)
		}
		if err := array.Save(filepath.Join(dir, fmt.Sprintf("step_%d.npy", k)), array.FromSlice(frames, 2, 2, 3)); err != nil {
			log.Fatal(err)
		}
	}

	s, err := dataset.OpenShards[float32](dir)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	fmt.Println("shape:", s.Shape(), "files:", s.NumShards())

	// Frame 21 is the second frame of step_10.npy, read in place.
	f, err := s.Frame(21)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("frame 21:", slices.Collect(f.Values()))
	f.Release()

	// Row 1 of frames 19 to 22 crosses two files.
	buf := make([]float32, 4*3)
	n, err := s.CopyTo(buf, array.Range(19, 23), array.Idx(1))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("rows:", buf[:n])
	// Output:
	// shape: [24 2 3] files: 12
	// frame 21: [1006 1007 1008 1009 1010 1011]
	// rows: [909 910 911 1003 1004 1005 1009 1010 1011 1103 1104 1105]
}

// A view written as a Zarr store of zlib chunks, and read back.
func ExampleWriteZarr() {
	dir, _ := os.MkdirTemp("", "zarr")
	defer os.RemoveAll(dir)
	store := filepath.Join(dir, "grid.zarr")

	data := make([]int32, 5*4)
	for i := range data {
		data[i] = int32(i)
	}
	err := dataset.WriteZarr(store, array.FromSlice(data, 5, 4), dataset.ZarrOptions{
		Chunks:     []int{2, 4},
		Compressor: "zlib",
		Attrs:      map[string]any{"units": "counts"},
	})
	if err != nil {
		log.Fatal(err)
	}

	z, err := dataset.OpenZarr[int32](store)
	if err != nil {
		log.Fatal(err)
	}
	defer z.Close()
	fmt.Println("shape:", z.Shape(), "chunks:", z.Chunks(), "blocks:", z.NumBlocks(), "units:", z.Attrs()["units"])
	last, err := z.Block(z.NumBlocks() - 1) // the edge chunk, trimmed to the array
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("last chunk at", last.Origin, "shape", last.Shape(), slices.Collect(last.Values()))
	last.Release()
	// Output:
	// shape: [5 4] chunks: [2 4] blocks: 3 units: counts
	// last chunk at [4 0] shape [1 4] [16 17 18 19]
}

// A reference file that lets zarr and Dask read a .npy file in place:
//
//	import dask.array as da
//	x = da.from_zarr("reference://", storage_options={"fo": "frames.json"})
//	x.sum().compute()
func ExampleWriteRefs() {
	dir, _ := os.MkdirTemp("", "refs")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "frames.npy")
	if err := array.Save(path, array.FromSlice(make([]float32, 6*2*2), 6, 2, 2)); err != nil {
		log.Fatal(err)
	}

	var refs strings.Builder
	err := dataset.WriteRefs(&refs, path, dataset.RefOptions{
		ChunkRows: 3,
		URL:       func(string) string { return "/data/frames.npy" }, // where the readers find it
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(refs.String())
	// Output:
	// {"version": 1, "refs": {
	// ".zarray": "{\"chunks\":[3,2,2],\"compressor\":null,\"dtype\":\"<f4\",\"fill_value\":0,\"filters\":null,\"order\":\"C\",\"shape\":[6,2,2],\"zarr_format\":2}",
	// "0.0.0": ["/data/frames.npy",128,48],
	// "1.0.0": ["/data/frames.npy",176,48]
	// }}
}

func ExampleNaturalCompare() {
	names := []string{"x_10.npy", "x_9.npy", "x_100.npy", "x_1.npy"}
	slices.SortFunc(names, dataset.NaturalCompare)
	fmt.Println(names)
	// Output:
	// [x_1.npy x_9.npy x_10.npy x_100.npy]
}

// Open takes a Zarr store or a shard set alike, as a Dataset whose blocks
// a parallel pass can share out.
func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "open")
	defer os.RemoveAll(dir)
	store := filepath.Join(dir, "a.zarr")
	if err := dataset.WriteZarr(store, array.FromSlice([]float64{1, 2, 3, 4, 5}), dataset.ZarrOptions{Chunks: []int{2}}); err != nil {
		log.Fatal(err)
	}
	d, err := dataset.Open[float64](store)
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	var sum float64
	for k := range d.NumBlocks() {
		b, err := d.Block(k)
		if err != nil {
			log.Fatal(err)
		}
		for x := range b.Values() {
			sum += x
		}
		b.Release()
	}
	fmt.Println(sum)
	// Output:
	// 15
}
