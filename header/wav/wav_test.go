package wav

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/internal/reftest"
	"github.com/ndmap/ndmap/layout"
)

// manifest is what scipy (or soundfile) reads from the fixtures
// (testdata/wav/gen.py).
type manifest struct {
	Good []struct {
		File   string            `json:"file"`
		Reader string            `json:"reader"`
		Rate   int               `json:"rate"`
		DType  string            `json:"dtype"`
		Shape  []int             `json:"shape"`
		Offset int64             `json:"offset"`
		Packed int               `json:"packed"`
		Values []json.RawMessage `json:"values"`
	} `json:"good"`
	Bad []struct {
		File  string `json:"file"`
		Error string `json:"error"`
	} `json:"bad"`
}

func fixture(name string) string { return filepath.Join(reftest.Dir("wav"), name) }

func loadManifest(t testing.TB) manifest {
	t.Helper()
	var m manifest
	reftest.LoadJSON(t, fixture("manifest.json"), &m)
	return m
}

// values reads the file at path with d and returns its samples in C order.
// Packed samples (a last axis of bytes) are returned as scipy widens them:
// the sample in the top bytes of an int32. It decodes the bytes itself: the
// array package imports this one, so its tests cannot read through it.
func values(t testing.TB, path string, d Describer) []float64 {
	t.Helper()
	r, size := fileReader(t, path)
	h, err := d.Read(r, size)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	v := reftest.DecodeItems(t, h.Array.DType, b[h.Array.DataOffset:h.Array.DataOffset+h.Array.DataSize()])
	if !h.Packed {
		return v
	}
	width := h.BlockAlign / h.Channels
	var out []float64
	for i := 0; i < len(v); i += width {
		var x uint64
		for j := range width {
			k := i + j
			if h.ByteOrder() == layout.BigEndian {
				k = i + width - 1 - j
			}
			x |= uint64(v[k]) << (64 - 8*width + 8*j)
		}
		// scipy puts the sample in the top bytes of an int32 (or int64).
		if width == 3 {
			out = append(out, float64(int32(x>>32)))
		} else {
			out = append(out, float64(int64(x)))
		}
	}
	return out
}

// fileReader returns the contents of the file at path as a reader and its
// size.
func fileReader(t testing.TB, path string) (*bytes.Reader, int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b), int64(len(b))
}

// Every fixture reads with the reference reader's sample rate, dtype,
// shape, data offset and samples; packed 24-bit files as bytes.
func TestReadFixtures(t *testing.T) {
	for _, e := range loadManifest(t).Good {
		t.Run(e.File, func(t *testing.T) {
			b, err := os.ReadFile(fixture(e.File))
			if err != nil {
				t.Fatal(err)
			}
			d := Describer{PackedAsBytes: e.Packed > 0}
			h, err := d.Read(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			shape, dtype := h.Array.Shape, h.Array.DType.TypeString()
			if e.Packed > 0 {
				if !h.Packed || shape[len(shape)-1] != e.Packed || dtype != "|u1" {
					t.Errorf("packed file read as %s %v, Packed %v", dtype, shape, h.Packed)
				}
				shape, dtype = shape[:len(shape)-1], e.DType
			}
			if h.SampleRate != e.Rate || dtype != e.DType || !cmp.Equal(shape, e.Shape) || h.Array.DataOffset != e.Offset {
				t.Errorf("rate, dtype, shape, offset = %d, %s, %v, %d, want %d, %s, %v, %d", h.SampleRate, dtype, shape, h.Array.DataOffset, e.Rate, e.DType, e.Shape, e.Offset)
			}
			if got, want := values(t, fixture(e.File), d), reftest.Floats(t, e.Values); !cmp.Equal(got, want) {
				t.Errorf("values = %v, want %v", got, want)
			}
		})
	}
}

// Every bad fixture is refused with a FormatError; sample formats that
// cannot be mapped say so with layout.ErrUnsupported.
func TestReadBad(t *testing.T) {
	for _, e := range loadManifest(t).Bad {
		t.Run(e.File, func(t *testing.T) {
			_, err := ReadFile(fixture(e.File))
			var fe *header.FormatError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), "wav: ") {
				t.Fatalf("ReadFile = %v, want a *header.FormatError naming wav", err)
			}
			if got := errors.Is(err, layout.ErrUnsupported); got != (e.Error == "unsupported") {
				t.Errorf("ReadFile = %v: errors.Is(ErrUnsupported) = %v, want %v", err, got, !got)
			}
		})
	}
}

var errorTests = []struct {
	file string
	want string
}{
	{"int24_stereo.wav", "wav: 24-bit PCM samples in 3-byte containers have no dtype; scipy widens them, which a mapped view cannot (see Describer.PackedAsBytes) at byte 36"},
	{"bad_alaw.wav", "wav: format tag 0x0006 is not linear PCM or IEEE float: compressed or encoded samples cannot be mapped at byte 36"},
	{"bad_chunk_size.wav", "wav: \"fmt \" chunk of 1073741824 bytes runs past the end of the 244-byte file at byte 16"},
	{"bad_truncated.wav", "wav: data chunk of 200 bytes runs past the end of the 234-byte file at byte 40"},
	{"bad_data_first.wav", "wav: data chunk comes before the fmt chunk at byte 12"},
}

// Errors name the file, the field and its byte offset.
func TestReadErrors(t *testing.T) {
	for _, tt := range errorTests {
		name := fixture(tt.file)
		want := strings.Replace(tt.want, "wav: ", "wav: "+name+": ", 1)
		_, err := ReadFile(name)
		if err == nil || err.Error() != want {
			t.Errorf("ReadFile(%s) = %v,\nwant %s", tt.file, err, want)
		}
	}
}

func TestSniff(t *testing.T) {
	for _, name := range []string{"rf64_int16.wav", "rifx_int16.wav", "int16_mono.wav"} {
		b, _ := os.ReadFile(fixture(name))
		if f, err := header.Sniff("x.bin", b[:min(len(b), header.SniffLen)]); err != nil || f.Name != "wav" {
			t.Errorf("Sniff(%s) = %q, %v, want wav", name, f.Name, err)
		}
	}
}
