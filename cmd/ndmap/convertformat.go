package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/header/envi"
	"github.com/ndmap/ndmap/header/fits"
	"github.com/ndmap/ndmap/header/mrc"
	"github.com/ndmap/ndmap/header/nifti"
	"github.com/ndmap/ndmap/header/wav"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// formatNames are the names --to takes, with the kind of output each gives.
var formatNames = map[string]int{
	"npy": outNPY, "npz": outNPZ, "raw": outRaw,
	"mrc": outMRC, "nifti": outNIfTI, "fits": outFITS, "envi": outENVI, "wav": outWAV,
}

// formatOutput is the plan of one file of another format than .npy: the
// bytes before the data, the zero bytes after it, the data's layout there,
// and the header file beside it, if any.
type formatOutput struct {
	name    string        // the format, as messages name it
	arr     header.Header // the data as the file holds it
	prefix  []byte
	trailer int64
	sidecar string // the header file written beside the data file, or ""
	side    []byte
}

// planOutput lays out the file of the given kind that holds s, whose data
// bytes are copied as they are but for the axis order the format needs and,
// for FITS alone, the byte order: FITS is big-endian whatever the machine,
// and its values stay the same. rate is --rate, for WAV.
func planOutput(out string, kind int, s source, rate int) (*formatOutput, error) {
	dt, shape := s.h.DType, s.h.Shape
	var o formatOutput
	var err error
	fail := func(err error) (*formatOutput, error) {
		return nil, fmt.Errorf("%s: %s cannot hold %s of dtype %s and shape %v: %w", out, o.name, s.key, dt, shape, err)
	}
	switch kind {
	case outMRC:
		o.name = "MRC"
		var h *mrc.Header
		if h, err = mrc.New(dt, shape); err != nil {
			return fail(err)
		}
		if h.Stats, err = sourceStats(s, h); err != nil {
			return nil, err
		}
		if o.prefix, err = h.Encode(); err != nil {
			return fail(err)
		}
		o.prefix = append(o.prefix, make([]byte, h.ExtSize)...)
		o.arr = h.Array
	case outNIfTI:
		o.name = "NIfTI-1"
		var h *nifti.Header
		if h, err = nifti.New(dt, shape); err != nil {
			return fail(err)
		}
		ext := filepath.Ext(out)
		if strings.EqualFold(ext, ".img") {
			h.Pair = true
			h.Array.DataOffset = 0
		}
		b, err := h.Encode()
		if err != nil {
			return fail(err)
		}
		if h.Pair {
			hdr := ".hdr"
			if ext == ".IMG" {
				hdr = ".HDR"
			}
			o.sidecar, o.side = strings.TrimSuffix(out, ext)+hdr, b
		} else {
			o.prefix = append(b, make([]byte, max(h.Array.DataOffset-int64(len(b)), 0))...)
		}
		o.arr = h.Array
	case outFITS:
		o.name = "FITS"
		fdt := dt
		if fdt.Order == layout.LittleEndian {
			fdt.Order = layout.BigEndian
		}
		var h *fits.HDU
		if h, err = fits.New(fdt, shape); err != nil {
			return fail(err)
		}
		if o.prefix, err = h.Encode(); err != nil {
			return fail(err)
		}
		o.arr = h.Array
		o.arr.DataOffset = int64(len(o.prefix))
		o.trailer = int64(len(fits.Padding(o.arr.DataSize())))
	case outENVI:
		o.name = "ENVI"
		eshape := shape
		if len(shape) == 2 {
			eshape = []int{1, shape[0], shape[1]} // one band
		}
		if len(eshape) != 3 {
			return fail(fmt.Errorf("an ENVI image has the axes (bands, lines, samples), or (lines, samples) for one band"))
		}
		if strings.EqualFold(filepath.Ext(out), ".hdr") {
			return nil, usagef("OUT %q would be an ENVI data file named as its header; name it file.img, file.dat or file", out)
		}
		var h *envi.Header
		if h, err = envi.New(dt, eshape, envi.BSQ); err != nil {
			return fail(err)
		}
		if o.side, err = h.Encode(); err != nil {
			return fail(err)
		}
		o.arr = *h.Array()
		o.prefix = make([]byte, o.arr.DataOffset)
		o.sidecar = strings.TrimSuffix(out, filepath.Ext(out)) + ".hdr"
	case outWAV:
		o.name = "WAV"
		if rate <= 0 {
			return nil, usagef("a WAV OUT needs its sample rate: --rate N (frames a second)")
		}
		channels := 1
		switch len(shape) {
		case 1:
		case 2:
			channels = shape[1]
		default:
			return fail(fmt.Errorf("a WAV file holds (frames,) or (frames, channels)"))
		}
		var h *wav.Header
		if h, err = wav.New(dt, channels, int64(shape[0]), rate); err != nil {
			return fail(err)
		}
		if o.prefix, err = h.Encode(); err != nil { // it sets Array.DataOffset
			return fail(err)
		}
		o.arr = h.Array
		o.trailer = o.arr.DataSize() & 1 // RIFF pads a chunk of odd size
	default:
		panic(fmt.Sprintf("planOutput: kind %d is not a format", kind))
	}
	if o.arr.DataSize() != s.h.DataSize() {
		// A header that would not describe the bytes copied is a bug here.
		panic(fmt.Sprintf("planOutput: the %s header holds %d data bytes, the source %d", o.name, o.arr.DataSize(), s.h.DataSize()))
	}
	return &o, nil
}

// writeFormat writes s to out in the format of kind: the data file apart
// from out, named once complete, and then its header file, if any, the same
// way, so that a complete header file says its data file is complete.
func writeFormat(in, out string, kind int, s source, rate int, p *progress) error {
	o, err := planOutput(out, kind, s, rate)
	if err != nil {
		return err
	}
	size := int64(len(o.prefix)) + o.arr.DataSize() + o.trailer
	err = writeFileAtomic(out, in, size, func(w io.Writer) error {
		if _, err := w.Write(o.prefix); err != nil {
			return err
		}
		dw := w
		if s.h.DType.Order != o.arr.DType.Order && s.h.DType.Size > 1 {
			dw = &swapWriter{w: w, size: s.h.DType.Size}
		}
		if err := copyOrdered(dw, s, o.arr.FortranOrder, p); err != nil {
			return err
		}
		_, err := w.Write(make([]byte, o.trailer))
		return err
	})
	if err != nil || o.sidecar == "" {
		return err
	}
	return writeFileAtomic(o.sidecar, in, int64(len(o.side)), func(w io.Writer) error {
		_, err := w.Write(o.side)
		return err
	})
}

// copyOrdered writes the data bytes of s in Fortran order if fortran is
// set, else in C order. Only when the orders differ and more than one axis
// is longer than 1 do the bytes move: the source is then mapped and written
// through a view.
func copyOrdered(w io.Writer, s source, fortran bool, p *progress) error {
	long := 0
	for _, n := range s.h.Shape {
		if n > 1 {
			long++
		}
	}
	if s.h.FortranOrder == fortran || long < 2 {
		return copyData(w, s, p)
	}
	if s.path == "" {
		return fmt.Errorf("%s: its axes must be reordered for this format, which needs a file that can be mapped; convert it to .npy first", s.key)
	}
	f, err := array.OpenRawFile(s.path, mmap.ReadOnly, fixedDescriber{s.h})
	if err != nil {
		return err
	}
	defer f.Close()
	u := f.Items()
	if fortran {
		// The C order of the reversed axes is the Fortran order.
		u = u.T()
	}
	n, err := array.WriteRaw(w, u)
	p.add(n)
	return err
}

// fixedDescriber describes a file by a header known already.
type fixedDescriber struct{ h header.Header }

func (d fixedDescriber) Describe(io.ReaderAt, int64) (*header.Header, error) {
	h := d.h
	h.Shape = append([]int(nil), d.h.Shape...)
	return &h, nil
}

// swapWriter reverses the bytes of each item of the given size, across
// writes that split items.
type swapWriter struct {
	w    io.Writer
	size int
	buf  []byte
}

func (s *swapWriter) Write(p []byte) (int, error) {
	s.buf = append(s.buf, p...)
	n := len(s.buf) / s.size * s.size
	for i := 0; i < n; i += s.size {
		b := s.buf[i : i+s.size]
		for j, k := 0, len(b)-1; j < k; j, k = j+1, k-1 {
			b[j], b[k] = b[k], b[j]
		}
	}
	if _, err := s.w.Write(s.buf[:n]); err != nil {
		return 0, err
	}
	s.buf = append(s.buf[:0], s.buf[n:]...)
	return len(p), nil
}

// sourceStats computes the MRC statistics of the data of s, as mrcfile
// writes them when it closes a file: reading the source once more costs as
// much as reading the file made, and leaves that file whole when named.
func sourceStats(s source, h *mrc.Header) (mrc.Stats, error) {
	r, err := s.open()
	if err != nil {
		return mrc.Stats{}, err
	}
	defer r.Close()
	hh := *h
	hh.Array.DataOffset = 0
	st, err := hh.ComputeStats(&sequentialReaderAt{r: r})
	if err != nil {
		return mrc.Stats{}, fmt.Errorf("%s: %w", s.key, err)
	}
	return st, nil
}

// sequentialReaderAt serves reads at the offsets that follow each other,
// as ComputeStats makes them, from a stream.
type sequentialReaderAt struct {
	r   io.Reader
	off int64
}

func (s *sequentialReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off != s.off {
		return 0, fmt.Errorf("read at %d after %d: not in sequence", off, s.off)
	}
	n, err := io.ReadFull(s.r, p)
	s.off += int64(n)
	return n, err
}
