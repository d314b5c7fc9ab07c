package wav

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ndmap/ndmap/internal/reftest"
	"github.com/ndmap/ndmap/layout"
)

// wavRead reads each file with scipy.io.wavfile (reader "scipy") or, for
// RF64 files, which scipy 1.10 cannot read, with soundfile as int32 or
// float64 (reader "soundfile"). tail may limit soundfile to the final
// frames of the file; strict makes warnings (of chunks scipy does not know,
// say) errors.
const wavRead = `
import json, sys, warnings
import numpy as np
reader, tail, strict, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4:]
warnings.simplefilter("error" if strict else "ignore")
out = []
for p in paths:
    if reader == "scipy":
        from scipy.io import wavfile
        rate, d = wavfile.read(p)
        frames = d.shape[0]
    else:
        import soundfile
        with soundfile.SoundFile(p) as f:
            rate, frames = f.samplerate, f.frames
            kind = "float64" if f.subtype in ("FLOAT", "DOUBLE") else "int32"
            if tail:
                f.seek(max(0, frames - tail))
            d = f.read(dtype=kind, always_2d=False)
    out.append({"rate": int(rate), "frames": int(frames), "dtype": d.dtype.str, "shape": list(d.shape),
                "values": [float(x) for x in d.ravel()]})
json.dump(out, sys.stdout)
`

type wavResult struct {
	Rate   int       `json:"rate"`
	Frames int64     `json:"frames"`
	DType  string    `json:"dtype"`
	Shape  []int     `json:"shape"`
	Values []float64 `json:"values"`
}

func runReader(t *testing.T, reader string, tail int, strict bool, paths []string) []wavResult {
	t.Helper()
	module := map[string]string{"scipy": "scipy.io.wavfile", "soundfile": "soundfile"}[reader]
	flag := "0"
	if strict {
		flag = "1"
	}
	var res []wavResult
	reftest.PythonJSON(t, module, wavRead, &res, append([]string{reader, strconv.Itoa(tail), flag}, paths...)...)
	return res
}

// For every fixture scipy reads, scipy and this package agree on the rate,
// dtype, shape and samples (packed 24-bit samples as scipy widens them);
// the RF64 fixture is checked the same way against soundfile.
func TestReferenceReadsFixtures(t *testing.T) {
	m := loadManifest(t)
	for _, reader := range []string{"scipy", "soundfile"} {
		var paths []string
		var packed []bool
		for _, e := range m.Good {
			if e.Reader == reader {
				paths = append(paths, fixture(e.File))
				packed = append(packed, e.Packed > 0)
			}
		}
		for i, r := range runReader(t, reader, 0, false, paths) {
			d := Describer{PackedAsBytes: packed[i]}
			h, err := d.Read(fileReader(t, paths[i]))
			if err != nil {
				t.Errorf("%s: %v", paths[i], err)
				continue
			}
			shape, dtype := h.Array.Shape, h.Array.DType.TypeString()
			if h.Packed {
				shape, dtype = shape[:len(shape)-1], r.DType
			}
			if reader == "soundfile" {
				dtype = r.DType // soundfile was asked for int32 or float64
			}
			if h.SampleRate != r.Rate || dtype != r.DType || !cmp.Equal(shape, r.Shape) {
				t.Errorf("%s: %d %s %v, %s reads %d %s %v", paths[i], h.SampleRate, dtype, shape, reader, r.Rate, r.DType, r.Shape)
			}
			got := values(t, paths[i], d)
			if reader == "soundfile" && h.Array.DType.Kind == layout.Int {
				for j := range got { // soundfile scales to the top of an int32
					got[j] *= float64(int64(1) << (32 - 8*h.Array.DType.Size))
				}
			}
			if !cmp.Equal(got, r.Values) {
				t.Errorf("%s: samples %v, %s reads %v", paths[i], got, reader, r.Values)
			}
		}
	}
}

var writeTests = []struct {
	dt         layout.DType
	channels   int
	frames     int64
	extensible bool
	rf64       bool
}{
	{layout.Uint8, 1, 33, false, false},
	{layout.DType{Kind: layout.Int, Order: layout.LittleEndian, Size: 2}, 2, 50, false, false},
	{layout.DType{Kind: layout.Int, Order: layout.BigEndian, Size: 2}, 2, 7, false, false},
	{layout.DType{Kind: layout.Int, Order: layout.LittleEndian, Size: 4}, 3, 20, true, false},
	{layout.DType{Kind: layout.Int, Order: layout.LittleEndian, Size: 8}, 1, 9, false, false},
	{layout.DType{Kind: layout.Float, Order: layout.LittleEndian, Size: 4}, 6, 11, true, false},
	{layout.DType{Kind: layout.Float, Order: layout.LittleEndian, Size: 8}, 2, 5, false, false},
	{layout.DType{Kind: layout.Int, Order: layout.LittleEndian, Size: 2}, 2, 0, false, false},
	{layout.DType{Kind: layout.Int, Order: layout.LittleEndian, Size: 2}, 2, 25, false, true},
	{layout.DType{Kind: layout.Float, Order: layout.LittleEndian, Size: 4}, 1, 25, false, true},
}

// writeFile writes a file with h's header and sample bytes.
func writeFile(t *testing.T, name string, h *Header, data []byte) {
	t.Helper()
	b, err := h.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if h.Array.DataOffset%dataAlign != 0 {
		t.Errorf("%s: samples start at %d, not on a %d-byte boundary", name, h.Array.DataOffset, dataAlign)
	}
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Files written with New and Encode read back through this package, and
// scipy (RF64 files: soundfile) reads the same rate, shape and samples.
func TestReferenceReadsWritten(t *testing.T) {
	dir := t.TempDir()
	paths := map[string][]string{}
	for i, tt := range writeTests {
		h, err := New(tt.dt, tt.channels, tt.frames, 8000+i)
		if err != nil {
			t.Fatal(err)
		}
		if tt.extensible {
			h.FormatTag, h.ChannelMask = Extensible, 0
		}
		if tt.rf64 {
			h.Container = "RF64"
		}
		data := make([]byte, tt.frames*int64(h.BlockAlign))
		for j := range data {
			data[j] = byte(j*37 + 11)
		}
		if tt.dt.Kind == layout.Float {
			for j := tt.dt.Size - 1; j < len(data); j += tt.dt.Size {
				data[j] = 0x3f // little-endian: keep exponents small
			}
		}
		name := filepath.Join(dir, "w"+strconv.Itoa(i)+".wav")
		writeFile(t, name, h, data)
		got, err := ReadFile(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !got.Array.DType.Equal(h.Array.DType) || !cmp.Equal(got.Array.Shape, h.Array.Shape) || got.Container != h.Container || got.SampleRate != h.SampleRate {
			t.Errorf("%s: read %+v, wrote %+v", name, got, h)
		}
		reader := "scipy"
		if tt.rf64 {
			reader = "soundfile"
		}
		paths[reader] = append(paths[reader], name)
	}
	for reader, names := range paths {
		for i, r := range runReader(t, reader, 0, true, names) {
			h, err := ReadFile(names[i])
			if err != nil {
				t.Fatal(err)
			}
			got := values(t, names[i], Describer{})
			if reader == "soundfile" && h.Array.DType.Kind == layout.Int {
				for j := range got {
					got[j] *= float64(int64(1) << (32 - 8*h.Array.DType.Size))
				}
			}
			if h.SampleRate != r.Rate || h.Frames != r.Frames || !cmp.Equal(got, r.Values, cmpopts.EquateEmpty()) {
				t.Errorf("%s: %d Hz, %d frames, %v; %s reads %d Hz, %d frames, %v", names[i], h.SampleRate, h.Frames, got, reader, r.Rate, r.Frames, r.Values)
			}
		}
	}
}

// A file whose samples pass 4 GiB is written as RF64, and both this package
// and soundfile find its frames and its last samples. The file is sparse,
// so it takes little room.
func TestRF64PastFourGiB(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a sparse file of more than 4 GiB")
	}
	const channels, tail = 2, 4
	frames := int64(1<<32)/4 + 1000 // 4 GiB of int16 stereo and some
	h, err := New(layout.DType{Kind: layout.Int, Order: layout.LittleEndian, Size: 2}, channels, frames, 48000)
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if h.Container != "RF64" {
		t.Fatalf("Container = %s, want RF64", h.Container)
	}
	name := filepath.Join(t.TempDir(), "big.wav")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(name)
	size := h.Array.DataOffset + frames*int64(h.BlockAlign)
	last := make([]byte, tail*h.BlockAlign)
	var want []float64
	for i := range tail * channels {
		v := int16(1000*i - 3000)
		last[2*i], last[2*i+1] = byte(v), byte(uint16(v)>>8)
		want = append(want, float64(int32(v)<<16))
	}
	_, err1 := f.Write(b)
	_, err2 := f.WriteAt(last, size-int64(len(last)))
	err3 := f.Truncate(size)
	if err := f.Close(); err1 != nil || err2 != nil || err3 != nil || err != nil {
		t.Fatal(err1, err2, err3, err)
	}
	got, err := ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if got.Container != "RF64" || got.Frames != frames || !cmp.Equal(got.Array.Shape, []int{int(frames), channels}) {
		t.Errorf("read %s with %d frames, shape %v; want RF64, %d frames", got.Container, got.Frames, got.Array.Shape, frames)
	}
	r := runReader(t, "soundfile", tail, true, []string{name})[0]
	if r.Frames != frames || !cmp.Equal(r.Values, want) {
		t.Errorf("soundfile reads %d frames ending %v, want %d ending %v", r.Frames, r.Values, frames, want)
	}
}
