package main

import (
	"bufio"
	"encoding/binary"
	"io"
	"math"
	"os"
	"strconv"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// Frame geometry of the (N, 256, 256) float32 files.
const (
	frameSide  = 256
	frameElems = frameSide * frameSide
	frameBytes = frameElems * 4
)

// Geometry of the (rows, 64) float64 file and the column read from it.
const (
	width  = 64
	column = 7
)

// recordDescr is the dtype of the structured file: a name, a time and a
// value, packed as NumPy packs records by default (24 bytes, time at byte 12).
const recordDescr = "[('name', '|S12'), ('time', '<i8'), ('value', '<f4')]"

// writeNPY creates a C-ordered .npy file of the given dtype and shape and
// returns the offset of its data. With fill nil the data is left as a hole
// (a sparse file that costs no disk); otherwise fill is called with
// successive chunks of whole items, the first being item number first, and
// the file is synced so that its pages are clean and can be evicted.
func writeNPY(path string, dt layout.DType, shape []int, fill func(chunk []byte, first int64)) (int64, error) {
	size, err := layout.ByteSize(shape, dt.Size)
	if err != nil {
		return 0, err
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	off, err := header.Write(f, header.Header{DType: dt, Shape: shape})
	if err != nil {
		return 0, err
	}
	if fill == nil {
		return off, f.Truncate(off + size)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	chunk := make([]byte, (4<<20)/dt.Size*dt.Size)
	for done := int64(0); done < size; {
		n := min(int64(len(chunk)), size-done)
		fill(chunk[:n], done/int64(dt.Size))
		if _, err := w.Write(chunk[:n]); err != nil {
			return 0, err
		}
		done += n
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	if err := f.Sync(); err != nil {
		return 0, err
	}
	return off, f.Close()
}

// frameValue is element j of frame k of the frame files: small integers, so
// that sums are exact in any order, and different in every frame.
func frameValue(k, j int) float32 { return float32((k*31 + j) % 4093) }

// gridValue is element e (in C order) of the (rows, 64) float64 file.
func gridValue(e int64) float64 { return float64(e % 1021) }

// frames returns the path and data offset of the (N, 256, 256) float32 file,
// writing it on first use.
func (b *bench) frames() (string, int64, error) {
	if b.framesPath != "" {
		return b.framesPath, b.framesOff, nil
	}
	path := b.path("frames.npy")
	off, err := writeNPY(path, layout.Float32, []int{b.cfg.frames, frameSide, frameSide}, func(chunk []byte, first int64) {
		for i := range len(chunk) / 4 {
			e := int(first) + i
			binary.NativeEndian.PutUint32(chunk[4*i:], math.Float32bits(frameValue(e/frameElems, e%frameElems)))
		}
	})
	if err != nil {
		return "", 0, err
	}
	b.framesPath, b.framesOff = path, off
	return path, off, nil
}

// grid returns the path and data offset of the (rows, 64) float64 file,
// writing it on first use.
func (b *bench) grid() (string, int64, error) {
	if b.gridPath != "" {
		return b.gridPath, b.gridOff, nil
	}
	path := b.path("grid.npy")
	off, err := writeNPY(path, layout.Float64, []int{b.cfg.rows, width}, func(chunk []byte, first int64) {
		for i := range len(chunk) / 8 {
			binary.NativeEndian.PutUint64(chunk[8*i:], math.Float64bits(gridValue(first+int64(i))))
		}
	})
	if err != nil {
		return "", 0, err
	}
	b.gridPath, b.gridOff = path, off
	return path, off, nil
}

// recordFile writes the structured file of cfg.records records: record i is
// named "r<i>", has time i and value i%1021.
func (b *bench) recordFile() (string, int64, layout.DType, error) {
	dt, err := layout.ParseDescr(recordDescr)
	if err != nil {
		return "", 0, dt, err
	}
	path := b.path("records.npy")
	off, err := writeNPY(path, dt, []int{b.cfg.records}, func(chunk []byte, first int64) {
		clear(chunk)
		var digits [20]byte
		for i := range len(chunk) / 24 {
			r := chunk[24*i : 24*(i+1)]
			n := first + int64(i)
			r[0] = 'r'
			copy(r[1:12], strconv.AppendInt(digits[:0], n, 10))
			binary.LittleEndian.PutUint64(r[12:], uint64(n))
			binary.LittleEndian.PutUint32(r[20:], math.Float32bits(float32(n%1021)))
		}
	})
	return path, off, dt, err
}

// readThrough reads the whole file once, so that its pages are in the page
// cache.
func readThrough(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(io.Discard, f)
	return err
}
