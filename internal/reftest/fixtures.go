package reftest

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/ndmap/ndmap/header"
)

// Dir returns the path of the fixtures of format, testdata/<format> at the
// top of the module, from the folder of a package at header/<format>, where
// go test runs that package's tests.
func Dir(format string) string {
	return filepath.Join("..", "..", "testdata", format)
}

// LoadJSON decodes the JSON file at path, a fixtures' manifest say, into v.
func LoadJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// Files returns the contents of the files below dir, in its subfolders too,
// whose names match pattern (as [filepath.Match] matches), in lexical
// order. Fuzz targets seed their corpus with them.
func Files(t testing.TB, dir, pattern string) [][]byte {
	t.Helper()
	var out [][]byte
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ok, err := filepath.Match(pattern, d.Name()); err != nil || !ok {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out = append(out, b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Describe sniffs the file at path through the format registry, as opening
// it by path does, and returns the describer of the format it finds, which
// must be the one named format.
func Describe(path, format string) (header.Describer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	head := make([]byte, header.SniffLen)
	n, err := io.ReadFull(f, head)
	f.Close()
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, err
	}
	got, err := header.Sniff(path, head[:n])
	if err != nil {
		return nil, err
	}
	if got.Name != format {
		return nil, errors.New("sniffed as " + got.Name)
	}
	return got.Describer(path)
}
