package bench

import (
	"encoding/binary"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/ndmap/ndmap/mmap"
)

// fileSize is the size of the file the mmap benchmarks read.
const fileSize = 1 << 30

// bufSize is the size of the buffer the plain reads go through.
const bufSize = 1 << 20

// bigFile writes fileSize bytes of pseudo-random data (not a sparse file, so
// that reads touch real pages) to a file that is removed when b ends.
func bigFile(b *testing.B) string {
	b.Helper()
	if testing.Short() {
		b.Skip("writes a 1 GiB file")
	}
	path := filepath.Join(b.TempDir(), "big.bin")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.Remove(path) })
	chunk := make([]byte, bufSize)
	rng := rand.NewChaCha8([32]byte{1})
	for written := 0; written < fileSize; written += len(chunk) {
		rng.Read(chunk)
		if _, err := f.Write(chunk); err != nil {
			f.Close()
			b.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// nsPerOp returns the time per iteration of a finished b.Loop.
func nsPerOp(b *testing.B) float64 {
	return float64(b.Elapsed().Nanoseconds()) / float64(b.N)
}

// reportFaster reports how many times faster b ran than a baseline
// measured earlier in the same run, if there was one.
func reportFaster(b *testing.B, baselineNs float64) {
	if baselineNs > 0 {
		b.ReportMetric(baselineNs/nsPerOp(b), "x-faster")
	}
}

// sum adds up b as little-endian uint64 words, then any trailing bytes.
func sum(b []byte) uint64 {
	var s0, s1, s2, s3 uint64
	for len(b) >= 32 {
		s0 += binary.LittleEndian.Uint64(b[0:8])
		s1 += binary.LittleEndian.Uint64(b[8:16])
		s2 += binary.LittleEndian.Uint64(b[16:24])
		s3 += binary.LittleEndian.Uint64(b[24:32])
		b = b[32:]
	}
	s := s0 + s1 + s2 + s3
	for len(b) >= 8 {
		s += binary.LittleEndian.Uint64(b)
		b = b[8:]
	}
	for _, c := range b {
		s += uint64(c)
	}
	return s
}

// sumReaderAt sums the file through r, bufSize bytes at a time, the way a
// program without a mapping reads it.
func sumReaderAt(b *testing.B, r io.ReaderAt, buf []byte) uint64 {
	var s uint64
	for off := int64(0); off < fileSize; off += int64(len(buf)) {
		n, err := r.ReadAt(buf, off)
		if err != nil && !(err == io.EOF && off+int64(n) == fileSize) {
			b.Fatalf("ReadAt(%d) = %d, %v", off, n, err)
		}
		s += sum(buf[:n])
	}
	return s
}

// BenchmarkOpen compares making a 1 GiB file's bytes available: mapping it
// (Open and Close) against reading it whole with os.ReadFile.
func BenchmarkOpen(b *testing.B) {
	path := bigFile(b)
	var readFileNs float64
	b.Run("ReadFile", func(b *testing.B) {
		b.SetBytes(fileSize)
		b.ReportAllocs()
		for b.Loop() {
			data, err := os.ReadFile(path)
			if err != nil || len(data) != fileSize {
				b.Fatalf("ReadFile = %d bytes, %v", len(data), err)
			}
		}
		readFileNs = nsPerOp(b)
	})
	b.Run("mmap", func(b *testing.B) {
		b.SetBytes(fileSize)
		b.ReportAllocs()
		for b.Loop() {
			m, err := mmap.Open(path, mmap.ReadOnly)
			if err != nil || m.Len() != fileSize {
				b.Fatalf("Open: %v", err)
			}
			if err := m.Close(); err != nil {
				b.Fatal(err)
			}
		}
		reportFaster(b, readFileNs)
	})
}

// BenchmarkSequentialRead compares summing a 1 GiB file whose pages are in
// the page cache: through (*os.File).ReadAt into a 1 MiB buffer, against a
// warm mapping read in place ("mmap") or copied out 1 MiB at a time with the
// fault-safe (*mmap.Map).ReadAt ("mmap-ReadAt").
func BenchmarkSequentialRead(b *testing.B) {
	path := bigFile(b)
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	m, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	// Touch every page once so that the mapping is warm, and keep the sum
	// to check every alternative against.
	want := sum(m.Bytes())
	buf := make([]byte, bufSize)

	var fileNs float64
	b.Run("os.File.ReadAt", func(b *testing.B) {
		b.SetBytes(fileSize)
		b.ReportAllocs()
		for b.Loop() {
			if got := sumReaderAt(b, f, buf); got != want {
				b.Fatalf("sum = %#x, want %#x", got, want)
			}
		}
		fileNs = nsPerOp(b)
	})
	b.Run("mmap-ReadAt", func(b *testing.B) {
		b.SetBytes(fileSize)
		b.ReportAllocs()
		for b.Loop() {
			if got := sumReaderAt(b, m, buf); got != want {
				b.Fatalf("sum = %#x, want %#x", got, want)
			}
		}
		reportFaster(b, fileNs)
	})
	b.Run("mmap", func(b *testing.B) {
		b.SetBytes(fileSize)
		b.ReportAllocs()
		for b.Loop() {
			if got := sum(m.Bytes()); got != want {
				b.Fatalf("sum = %#x, want %#x", got, want)
			}
		}
		reportFaster(b, fileNs)
	})
}
