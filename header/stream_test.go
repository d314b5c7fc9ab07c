package header

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
)

// TestReadStream reads every .npy fixture through a stream that returns
// one byte at a time and checks the header and the bytes that follow it.
func TestReadStream(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "npy", "*.npy"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		p := NPY{MaxHeaderLen: 1 << 20}
		want, err := p.Describe(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		got, rest, err := p.ReadStream(iotest.OneByteReader(bytes.NewReader(b)))
		if err != nil {
			t.Fatalf("ReadStream(%s): %v", path, err)
		}
		if got.DataOffset != want.DataOffset || !got.DType.Equal(want.DType) || len(got.Shape) != len(want.Shape) {
			t.Errorf("ReadStream(%s) = %+v, want %+v", path, got, want)
		}
		data, err := io.ReadAll(rest)
		if err != nil || !bytes.Equal(data, b[want.DataOffset:]) {
			t.Errorf("ReadStream(%s): %d bytes follow the header, want %d (err %v)", path, len(data), len(b)-int(want.DataOffset), err)
		}
	}
}

func TestReadStreamErrors(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "npy", "f8_1d.npy"))
	if err != nil {
		t.Fatal(err)
	}
	// A stream that fails inside the header gives its own error.
	boom := errors.New("boom")
	_, _, err = ReadStream(io.MultiReader(bytes.NewReader(b[:20]), iotest.ErrReader(boom)))
	if !errors.Is(err, boom) {
		t.Errorf("failing stream: %v, want boom", err)
	}
	// One that ends inside the header is a format error.
	if _, _, err := ReadStream(bytes.NewReader(b[:40])); !errors.Is(err, ErrFormat) {
		t.Errorf("short stream: %v, want ErrFormat", err)
	}
	// The cap holds before anything is read past it.
	big, err := os.ReadFile(filepath.Join("..", "testdata", "npy", "fields_3445.npy"))
	if err != nil {
		t.Fatal(err)
	}
	r := &countingReader{r: bytes.NewReader(big)}
	if _, _, err := ReadStream(r); !errors.Is(err, ErrFormat) {
		t.Errorf("header over the cap: %v, want ErrFormat", err)
	}
	if r.n > 64 {
		t.Errorf("read %d bytes of a header over the cap, want at most its preamble", r.n)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
