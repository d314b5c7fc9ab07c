package array

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/header/envi"
	"github.com/ndmap/ndmap/header/fits"
	"github.com/ndmap/ndmap/header/mrc"
	"github.com/ndmap/ndmap/header/nifti"
	"github.com/ndmap/ndmap/header/wav"
	"github.com/ndmap/ndmap/layout"
)

// A FormatHeader is the header of a file to be made in a format other than
// .npy: the array's dtype and shape and the format's own metadata. It is one
// of
//
//   - a *[mrc.Header]: an MRC2014 image, volume, image stack or volume stack;
//   - a *[nifti.Header]: a NIfTI-1 .nii file, or with Pair set the .img file
//     of a pair, whose .hdr is written beside it;
//   - a *[fits.HDU]: a FITS file of one primary HDU;
//   - a *[envi.Header]: an ENVI data file, whose .hdr is written beside it;
//   - a *[wav.Header]: a WAV file, RF64 when its samples pass 4 GiB;
//
// as the New function of its package returns it, with whatever metadata the
// caller then sets (voxel size, WCS cards, band names, ...). Its Encode
// method gives the header's bytes.
type FormatHeader interface {
	Encode() ([]byte, error)
}

// SkipStats makes [File.Close] of an MRC file made by [CreateFormat] or
// [Create] leave the header's statistics (DMIN, DMAX, DMEAN, RMS) as they
// were made — unknown, as [mrc.New] leaves them, or the values set in the
// header given — instead of computing them over the data. The other
// constructors ignore it.
func SkipStats() Option { return func(o *options) { o.skipStats = true } }

// CreateFormat creates a file at path in the format of h, for an array of
// T, and returns it mapped ReadWrite, as [CreateFormatFile] does. T must
// match the dtype of h in kind and size.
func CreateFormat[T Element](path string, h FormatHeader, opts ...Option) (*Array[T], error) {
	p, err := planFormat(path, h)
	if err != nil {
		return nil, err
	}
	if err := matchType[T](path, p.arr.DType); err != nil {
		return nil, err
	}
	return typedOrClose[T](createFormat(path, p, makeOptions(opts)))
}

// CreateFormatFile creates a file at path in the format of h — MRC, NIfTI-1,
// FITS, ENVI or WAV; see [FormatHeader] — for the array h describes, and
// returns it mapped ReadWrite, as [CreateFile] does for a .npy file: the
// header is written first, the data follows it zeroed (sparse where the file
// system allows) and is filled through the file's views, and a crash leaves
// what [Create] says it leaves. The view has the array's dtype, shape and
// order as the format's reader presents them: C order but for NIfTI's
// Fortran order, and FITS data big-endian.
//
// The format's header and trailer are written as its package encodes them.
// An ENVI image and a NIfTI pair have their .hdr written beside the data
// file (the data file's extension replaced by .hdr, as spectral and
// nibabel look for it); a NIfTI pair's data file must end in .img. A FITS
// file is padded to a whole number of 2880-byte blocks after the data, and
// an MRC file's extended header, ExtSize bytes, is left zero.
//
// [File.Close] of an MRC file computes the minimum, maximum, mean and RMS of
// the data and writes them into the header, as mrcfile does when it closes
// a file it wrote. That is one more pass over the whole array: as long as
// reading the file once, from memory when its pages are still cached, and
// from the device when they were written out and dropped (a file bigger
// than memory). [SkipStats] leaves the statistics as the header has them.
//
// Headers that do not describe a file the format can hold are errors from
// the format's package.
//
// CreateFormatFile panics if h is of none of the types [FormatHeader] lists.
func CreateFormatFile(path string, h FormatHeader, opts ...Option) (*File, error) {
	p, err := planFormat(path, h)
	if err != nil {
		return nil, err
	}
	return createFormat(path, p, makeOptions(opts))
}

// formatPlan is the layout of a file to make in a format: the bytes before
// the data, the zero bytes after it, and the sidecar header, if any.
type formatPlan struct {
	name    string        // the registered format
	arr     header.Header // the array, DataOffset included
	prefix  []byte        // the file's bytes before the data, len(prefix) == arr.DataOffset
	trailer int64         // zero bytes after the data
	sidecar string        // the header file written beside the data file, or ""
	side    []byte        // its contents
	mrc     *mrc.Header   // for the statistics an MRC file gets at Close
}

// planFormat lays out the file that h describes.
func planFormat(path string, h FormatHeader) (*formatPlan, error) {
	var p *formatPlan
	var err error
	switch h := h.(type) {
	case *mrc.Header:
		p, err = planMRC(*h)
	case *nifti.Header:
		p, err = planNIfTI(path, *h)
	case *fits.HDU:
		p, err = planFITS(*h)
	case *envi.Header:
		p, err = planENVI(path, h)
	case *wav.Header:
		p, err = planWAV(*h)
	default:
		panic(fmt.Sprintf("array: CreateFormatFile with a %T, not an *mrc.Header, *nifti.Header, *fits.HDU, *envi.Header or *wav.Header", h))
	}
	if err != nil {
		return nil, pathError("create", path, err)
	}
	if int64(len(p.prefix)) != p.arr.DataOffset {
		return nil, fmt.Errorf("array: %s: the %s header is %d bytes long, but its data offset is %d", path, p.name, len(p.prefix), p.arr.DataOffset)
	}
	return p, nil
}

func planMRC(h mrc.Header) (*formatPlan, error) {
	b, err := h.Encode()
	if err != nil {
		return nil, err
	}
	b = append(b, make([]byte, h.ExtSize)...)
	return &formatPlan{name: "mrc", arr: h.Array, prefix: b, mrc: &h}, nil
}

func planNIfTI(path string, h nifti.Header) (*formatPlan, error) {
	b, err := h.Encode()
	if err != nil {
		return nil, err
	}
	p := &formatPlan{name: "nifti", arr: h.Array}
	if !h.Pair {
		p.prefix = append(b, make([]byte, max(h.Array.DataOffset-int64(len(b)), 0))...)
		return p, nil
	}
	ext := filepath.Ext(path)
	if !strings.EqualFold(ext, ".img") {
		return nil, fmt.Errorf("array: the data file of a NIfTI pair must end in .img, not %q", ext)
	}
	p.prefix = make([]byte, h.Array.DataOffset)
	hdr := ".hdr"
	if ext == ".IMG" {
		hdr = ".HDR" // as nibabel pairs them
	}
	p.sidecar = strings.TrimSuffix(path, ext) + hdr
	p.side = b
	return p, nil
}

func planFITS(h fits.HDU) (*formatPlan, error) {
	b, err := h.Encode()
	if err != nil {
		return nil, err
	}
	h.Array.DataOffset = int64(len(b))
	return &formatPlan{name: "fits", arr: h.Array, prefix: b, trailer: int64(len(fits.Padding(h.Array.DataSize())))}, nil
}

func planENVI(path string, h *envi.Header) (*formatPlan, error) {
	b, err := h.Encode()
	if err != nil {
		return nil, err
	}
	ext := filepath.Ext(path)
	if strings.EqualFold(ext, ".hdr") {
		return nil, fmt.Errorf("array: %s would be an ENVI data file named as its header", path)
	}
	arr := h.Array()
	return &formatPlan{name: "envi", arr: *arr, prefix: make([]byte, arr.DataOffset), sidecar: strings.TrimSuffix(path, ext) + ".hdr", side: b}, nil
}

func planWAV(h wav.Header) (*formatPlan, error) {
	b, err := h.Encode() // it sets Array.DataOffset
	if err != nil {
		return nil, err
	}
	// RIFF pads a chunk of odd size with a byte that its size leaves out.
	return &formatPlan{name: "wav", arr: h.Array, prefix: b, trailer: h.Array.DataSize() & 1}, nil
}

// createFormat makes the file p lays out at path and maps it.
func createFormat(path string, p *formatPlan, o options) (*File, error) {
	checkShape("CreateFormatFile", p.arr.Shape)
	size := p.arr.DataSize()
	if size < 0 || size > math.MaxInt-p.trailer {
		return nil, &detailError{msg: fmt.Sprintf("array: %s: shape %v of %s is too large", path, p.arr.Shape, p.arr.DType), errs: []error{layout.ErrOverflow}}
	}
	// createMapped zeroes everything after the prefix; the trailer, zeros
	// too, is made a part of that span and then left out of the view.
	span := header.Header{DType: layout.Uint8, Shape: []int{int(size + p.trailer)}, DataOffset: p.arr.DataOffset}
	f, err := createMapped(path, p.prefix, span, o)
	if err != nil {
		return nil, err
	}
	f.hdr = p.arr
	f.hdr.Shape = append([]int(nil), p.arr.Shape...)
	f.data = f.data[:size]
	f.format = p.name
	if p.sidecar != "" {
		err := saveFile(p.sidecar, int64(len(p.side)), o, func(w io.Writer) error {
			_, err := w.Write(p.side)
			return err
		})
		if err != nil {
			f.Close()
			os.Remove(path)
			return nil, err
		}
	}
	if p.mrc != nil && !o.skipStats {
		f.finish = func() error {
			if err := p.mrc.UpdateStats(f.m); err != nil {
				return pathError("close", path, err)
			}
			return nil
		}
	}
	return f, nil
}

// createDefault makes the file of the format o names, other than .npy,
// for the array h describes, with the metadata the format's New gives.
func createDefault(path string, h header.Header, o options) (*File, error) {
	checkShape("CreateFile", h.Shape)
	if _, err := lookupFormat(path, o.format); err != nil {
		return nil, err
	}
	var fh FormatHeader
	var err error
	dt := h.DType
	switch o.format {
	case "mrc":
		fh, err = mrc.New(dt, h.Shape)
	case "nifti":
		fh, err = nifti.New(dt, h.Shape)
	case "fits":
		// FITS data is big-endian; the values are the same.
		if dt.Order != layout.NotApplicable {
			dt.Order = layout.BigEndian
		}
		fh, err = fits.New(dt, h.Shape)
	case "envi":
		if len(h.Shape) != 3 {
			return nil, fmt.Errorf("array: %s: an ENVI image has three axes (bands, lines, samples), not shape %v", path, h.Shape)
		}
		fh, err = envi.New(dt, h.Shape, envi.BSQ)
	case "wav":
		return nil, fmt.Errorf("array: %s: a WAV file needs a sample rate: make its header with wav.New and the file with CreateFormat", path)
	default:
		return nil, fmt.Errorf("array: %s: %s files are read, not created", path, o.format)
	}
	if err != nil {
		return nil, pathError("create", path, err)
	}
	p, err := planFormat(path, fh)
	if err != nil {
		return nil, err
	}
	return createFormat(path, p, o)
}
