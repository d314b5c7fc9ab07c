package mrc

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/internal/reftest"
	"github.com/ndmap/ndmap/layout"
)

// manifest is what mrcfile reads from the fixtures (testdata/mrc/gen.py).
type manifest struct {
	Good []struct {
		File      string            `json:"file"`
		DType     string            `json:"dtype"`
		Shape     []int             `json:"shape"`
		Offset    int64             `json:"offset"`
		Mode      int               `json:"mode"`
		ISPG      int               `json:"ispg"`
		NSYMBT    int64             `json:"nsymbt"`
		ExtTyp    string            `json:"exttyp"`
		VoxelSize []string          `json:"voxel_size"`
		Origin    []string          `json:"origin"`
		NStart    []int             `json:"nstart"`
		Stats     []string          `json:"stats"`
		Labels    []string          `json:"labels"`
		Values    []json.RawMessage `json:"values"`
	} `json:"good"`
	Bad []struct {
		File  string `json:"file"`
		Error string `json:"error"`
	} `json:"bad"`
}

func fixture(name string) string { return filepath.Join(reftest.Dir("mrc"), name) }

func loadManifest(t testing.TB) manifest {
	t.Helper()
	var m manifest
	reftest.LoadJSON(t, fixture("manifest.json"), &m)
	return m
}

// Every fixture mrcfile wrote reads with mrcfile's dtype, shape, offset,
// metadata and values.
func TestReadFixtures(t *testing.T) {
	for _, e := range loadManifest(t).Good {
		t.Run(e.File, func(t *testing.T) {
			h, err := ReadFile(fixture(e.File))
			if err != nil {
				t.Fatal(err)
			}
			if got := h.Array.DType.TypeString(); got != e.DType {
				t.Errorf("dtype = %s, want %s", got, e.DType)
			}
			if !cmp.Equal(h.Array.Shape, e.Shape) || h.Array.DataOffset != e.Offset || h.Array.FortranOrder {
				t.Errorf("shape, offset, fortran = %v, %d, %v, want %v, %d, false", h.Array.Shape, h.Array.DataOffset, h.Array.FortranOrder, e.Shape, e.Offset)
			}
			vs := h.VoxelSize()
			if want := reftest.ParseFloats(t, e.VoxelSize); !cmp.Equal(vs[:], want) {
				t.Errorf("VoxelSize() = %v, want %v", vs, want)
			}
			origin := []float64{float64(h.Origin[0]), float64(h.Origin[1]), float64(h.Origin[2])}
			if want := reftest.ParseFloats(t, e.Origin); !cmp.Equal(origin, want) {
				t.Errorf("Origin = %v, want %v", origin, want)
			}
			if !cmp.Equal(h.Start[:], e.NStart) || h.Mode != e.Mode || h.SpaceGroup != e.ISPG || h.ExtSize != e.NSYMBT || h.ExtType != e.ExtTyp {
				t.Errorf("Start, Mode, SpaceGroup, ExtSize, ExtType = %v, %d, %d, %d, %q, want %v, %d, %d, %d, %q",
					h.Start, h.Mode, h.SpaceGroup, h.ExtSize, h.ExtType, e.NStart, e.Mode, e.ISPG, e.NSYMBT, e.ExtTyp)
			}
			st := []float64{float64(h.Stats.Min), float64(h.Stats.Max), float64(h.Stats.Mean), float64(h.Stats.RMS)}
			if want := reftest.ParseFloats(t, e.Stats); !cmp.Equal(st, want) {
				t.Errorf("Stats = %v, want %v", st, want)
			}
			if !cmp.Equal(h.Labels, e.Labels) {
				t.Errorf("Labels = %q, want %q", h.Labels, e.Labels)
			}
			if got, want := reftest.FileValues(t, fixture(e.File), Describer{}), reftest.Floats(t, e.Values); !cmp.Equal(got, want) {
				t.Errorf("values = %v, want %v", got, want)
			}
		})
	}
}

// Every bad fixture is refused with a FormatError, and the two modes with
// no dtype say so with layout.ErrUnsupported.
func TestReadBad(t *testing.T) {
	for _, e := range loadManifest(t).Bad {
		t.Run(e.File, func(t *testing.T) {
			_, err := ReadFile(fixture(e.File))
			var fe *header.FormatError
			if !errors.As(err, &fe) || !errors.Is(err, header.ErrFormat) {
				t.Fatalf("ReadFile = %v, want a *header.FormatError", err)
			}
			if got := errors.Is(err, layout.ErrUnsupported); got != (e.Error == "unsupported") {
				t.Errorf("ReadFile = %v: errors.Is(ErrUnsupported) = %v, want %v", err, got, !got)
			}
			if !bytes.Contains([]byte(err.Error()), []byte("mrc: ")) {
				t.Errorf("error %q does not name the format", err)
			}
		})
	}
}

var errorTests = []struct {
	name  string
	patch func(b []byte)
	want  string
}{
	{"mode 3", func(b []byte) { b[12] = 3 }, "mrc: MODE 3 (complex int16) has no NumPy dtype and is not supported at byte 12"},
	{"negative NY", func(b []byte) { b[4], b[5], b[6], b[7] = 0xff, 0xff, 0xff, 0xff }, "mrc: NY is negative: -1 at byte 4"},
	{"stamp zero, mode known", func(b []byte) { copy(b[212:], []byte{0, 0, 0, 0}) }, ""},
	{"stamp zero, mode unknown", func(b []byte) { copy(b[212:], []byte{0, 0, 0, 0}); b[12] = 9 }, "mrc: machine stamp 00 00 00 00 gives no byte order, and MODE does not tell at byte 212"},
	{"overflow", func(b []byte) {
		for i := range 12 {
			b[i] = 0x7f
		}
		b[12] = 2
	}, "mrc: NX, NY and NZ (2139062143, 2139062143, 2139062143) of 4-byte items overflow at byte 0"},
}

// Errors name the field and its byte offset.
func TestReadErrors(t *testing.T) {
	orig, err := os.ReadFile(fixture("int16_image.mrc"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range errorTests {
		t.Run(tt.name, func(t *testing.T) {
			b := bytes.Clone(orig)
			tt.patch(b)
			h, err := Read(bytes.NewReader(b), int64(len(b)))
			if tt.want == "" {
				if err != nil || !h.StampGuessed || h.ByteOrder != layout.LittleEndian {
					t.Fatalf("Read = %+v, %v, want a guessed little-endian header", h, err)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Errorf("Read = %v,\nwant %s", err, tt.want)
			}
		})
	}
}

// writeFile writes a file with h's header and data, then updates its
// statistics as a writer does on close.
func writeFile(t testing.TB, path string, h *Header, data []byte) {
	t.Helper()
	b, err := h.Encode()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(append(append(b, make([]byte, h.ExtSize)...), data...)); err != nil {
		t.Fatal(err)
	}
	if err := h.UpdateStats(f); err != nil {
		t.Fatal(err)
	}
}

var newTests = []struct {
	dt    layout.DType
	shape []int
	stack bool
	want  []int // the shape read back
}{
	{layout.Int8, []int{3, 4}, false, []int{3, 4}},
	{layout.Int16, []int{2, 3, 4}, false, []int{2, 3, 4}},
	{layout.Uint16, []int{2, 3, 4}, true, []int{2, 3, 4}},
	{layout.Float32, []int{1, 3, 4}, false, []int{1, 3, 4}},
	{layout.Half, []int{2, 2, 3, 4}, false, []int{2, 2, 3, 4}},
	{layout.DType{Kind: layout.Complex, Order: layout.BigEndian, Size: 8}, []int{2, 5}, false, []int{2, 5}},
	{layout.DType{Kind: layout.Float, Order: layout.BigEndian, Size: 4}, []int{0, 3, 4}, false, []int{0, 3, 4}},
}

// What New and Encode write reads back as the same array, with the
// statistics UpdateStats computed.
func TestNewRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for i, tt := range newTests {
		h, err := New(tt.dt, tt.shape)
		if err != nil {
			t.Fatal(err)
		}
		if tt.stack {
			h.SpaceGroup, h.Grid[2] = ImageStack, 1
		}
		h.SetVoxelSize(1.25, 1.5, 2)
		h.Labels = []string{"written by a test"}
		n, _ := layout.Count(tt.shape)
		data := make([]byte, int(n)*tt.dt.Size)
		for j := range data {
			data[j] = byte(j * 7)
		}
		if tt.dt.Kind == layout.Float && tt.dt.Size == 2 {
			for j := 1; j < len(data); j += 2 {
				data[j] &= 0x3f // finite halves only
			}
		}
		path := filepath.Join(dir, strconv.Itoa(i)+".mrc")
		writeFile(t, path, h, data)
		got, err := ReadFile(path)
		if err != nil {
			t.Fatalf("%v %v: %v", tt.dt, tt.shape, err)
		}
		if !got.Array.DType.Equal(h.Array.DType) || !cmp.Equal(got.Array.Shape, tt.want) {
			t.Errorf("%v %v: read %v %v", tt.dt, tt.shape, got.Array.DType, got.Array.Shape)
		}
		if got.Stats != h.Stats || got.VoxelSize() != h.VoxelSize() || !cmp.Equal(got.Labels, h.Labels) {
			t.Errorf("%v %v: read stats %+v, voxel %v, labels %q; wrote %+v", tt.dt, tt.shape, got.Stats, got.VoxelSize(), got.Labels, h.Stats)
		}
	}
}

// Stats are those of the data, and unknown where mrcfile leaves them so.
func TestComputeStats(t *testing.T) {
	h, err := New(layout.Int16, []int{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := h.Encode()
	for _, v := range []int16{-3, 1, 2, 4, 5, 3} {
		b = append(b, byte(v), byte(v>>8))
	}
	s, err := h.ComputeStats(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	want := Stats{Min: -3, Max: 5, Mean: 2, RMS: float32(math.Sqrt(40.0 / 6))}
	if s != want {
		t.Errorf("ComputeStats = %+v, want %+v", s, want)
	}
	h, _ = New(layout.Float32, []int{0, 2, 2})
	if s, err := h.ComputeStats(bytes.NewReader(nil)); err != nil || s != UnknownStats() {
		t.Errorf("ComputeStats(empty) = %+v, %v, want %+v", s, err, UnknownStats())
	}
}

var newErrorTests = []struct {
	dt    layout.DType
	shape []int
}{
	{layout.Uint8, []int{2, 2}},
	{layout.Float64, []int{2, 2}},
	{layout.Int16, []int{2}},
	{layout.Int16, []int{1, 2, 3, 4, 5}},
	{layout.Int16, []int{-1, 2}},
	{layout.Int16, []int{1 << 20, 1 << 20, 2, 2}},
}

func TestNewErrors(t *testing.T) {
	for _, tt := range newErrorTests {
		if h, err := New(tt.dt, tt.shape); err == nil {
			t.Errorf("New(%v, %v) = %+v, want an error", tt.dt, tt.shape, h)
		}
	}
	h, _ := New(layout.Int16, []int{2, 3})
	h.Size[0] = 4
	if _, err := h.Encode(); err == nil {
		t.Errorf("Encode of a header whose NX disagrees with its Array succeeded")
	}
	h, _ = New(layout.Int16, []int{2, 3})
	h.Labels = []string{"tab\there"}
	if _, err := h.Encode(); err == nil {
		t.Errorf("Encode of a label with a tab succeeded")
	}
}

func TestSniff(t *testing.T) {
	b, err := os.ReadFile(fixture("float32_stack.mrcs"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"x.mrcs", "x.dat"} {
		if f, err := header.Sniff(name, b[:header.SniffLen]); err != nil || f.Name != "mrc" {
			t.Errorf("Sniff(%s) = %q, %v, want mrc", name, f.Name, err)
		}
	}
	npy := append([]byte("\x93NUMPY"), b[6:header.SniffLen]...)
	if f, _ := header.Sniff("x.npy", npy); f.Name != "npy" {
		t.Errorf("Sniff of a .npy with MRC bytes after its magic = %q, want npy", f.Name)
	}
}
