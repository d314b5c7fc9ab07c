package array

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/mmap"

	// Importing array registers every format it reads with the header
	// package, as importing image/png registers PNG with image: Open then
	// reads them all by path, with no imports for their side effects.
	_ "github.com/ndmap/ndmap/header/envi"
	_ "github.com/ndmap/ndmap/header/fits"
	_ "github.com/ndmap/ndmap/header/mrc"
	_ "github.com/ndmap/ndmap/header/nifti"
	_ "github.com/ndmap/ndmap/header/spikeglx"
	_ "github.com/ndmap/ndmap/header/tiff"
	_ "github.com/ndmap/ndmap/header/wav"
)

// Format names the format of the file, where it would otherwise be chosen
// from the file: "npy", or one that a subpackage of header registers —
// "mrc", "nifti", "fits", "tiff", "envi", "spikeglx", "wav" — or a format a
// program registers itself with [header.RegisterFormat].
//
// [Open] and [OpenFile] then read the file with that format's Describer,
// whatever its first bytes and name. [Create] and [CreateFile] make a file of
// that format, with the metadata its package's New function gives (an MRC
// volume of voxel size 0, a NIfTI-1 .nii file of voxel size 1, a FITS
// primary HDU, an ENVI image in BSQ interleave); use [CreateFormat] to set
// the metadata. The other constructors ignore it.
func Format(name string) Option { return func(o *options) { o.format = name } }

// npyFormat is the .npy format as the header package registers it.
var npyFormat, _ = header.LookupFormat("npy")

// openFormat opens the file at path as OpenFile does: in the format o
// names, or else the one sniffed from the file.
func openFormat(path string, mode mmap.Mode, o options) (*File, error) {
	npy := header.NPY{MaxHeaderLen: o.maxHeaderLen}
	var d header.Describer
	switch o.format {
	case "":
		d = &sniffer{path: path, npy: npy}
	case "npy":
		d = npy
	default:
		ff, err := lookupFormat(path, o.format)
		if err != nil {
			return nil, err
		}
		if d, err = ff.Describer(path); err != nil {
			return nil, pathError("open", path, err)
		}
	}
	f, err := openDescribed(path, mode, d)
	if err != nil {
		return nil, err
	}
	f.format = o.format
	if s, ok := d.(*sniffer); ok {
		f.format = s.format
	}
	return f, nil
}

// lookupFormat returns the registered format called name, or an error
// listing those there are.
func lookupFormat(path, name string) (header.Format, error) {
	ff, ok := header.LookupFormat(name)
	if !ok {
		return header.Format{}, &detailError{
			msg:  fmt.Sprintf("array: %s: no format %q is registered (there are %s)", path, name, formatNames()),
			errs: []error{header.ErrUnknownFormat},
		}
	}
	return ff, nil
}

// formatNames lists the registered formats for messages, but for those
// named in skip.
func formatNames(skip ...string) string {
	var names []string
	for _, ff := range header.Formats() {
		if !slices.Contains(skip, ff.Name) {
			names = append(names, ff.Name)
		}
	}
	return strings.Join(names, ", ")
}

// sniffer is the Describer of a file opened by path without a [Format]:
// a .npy file when its first bytes are NumPy's magic — checked first, so
// that opening a .npy file costs no more than before formats were known —
// and otherwise the registered format that claims it.
type sniffer struct {
	path   string
	npy    header.NPY
	format string // the format chosen, set by Describe
	magic  [6]byte
}

func (s *sniffer) Describe(r io.ReaderAt, size int64) (*header.Header, error) {
	n, _ := r.ReadAt(s.magic[:min(size, int64(len(s.magic)))], 0)
	if npyFormat.Match(s.path, s.magic[:n]) {
		s.format = "npy"
		return s.npy.Describe(r, size)
	}
	head := make([]byte, min(size, header.SniffLen))
	n, _ = r.ReadAt(head, 0)
	head = head[:n]
	ff, err := header.Sniff(s.path, head)
	if err != nil {
		// No format claims it: read it as .npy for the error, which says
		// how to open an .npz archive when it is one.
		_, nerr := s.npy.Describe(r, size)
		if isZip(head) {
			s.format = "npy"
			return nil, nerr
		}
		return nil, &detailError{
			msg:  fmt.Sprintf("array: not a .npy file, nor a file of a registered format (%s); a raw file opens with OpenRaw", formatNames("npy")),
			errs: []error{header.ErrUnknownFormat, nerr},
		}
	}
	s.format = ff.Name
	if ff.Name == "npy" {
		return s.npy.Describe(r, size)
	}
	d, err := ff.Describer(s.path)
	if err != nil {
		return nil, err
	}
	return d.Describe(r, size)
}

// isNPY reports whether d reads the file as a .npy file.
func isNPY(d header.Describer) bool {
	switch d := d.(type) {
	case header.NPY:
		return true
	case *sniffer:
		return d.format == "npy"
	}
	return false
}

// Format returns the name of the registered format the file was opened
// as or made in: "npy" for .npy files and the members of archives, "mrc",
// "nifti", "fits", "tiff", "envi", "spikeglx", "wav", or another that a
// program registered. It is "" for a raw file, opened or made with a
// Describer ([OpenRaw], [CreateRaw]).
func (f *File) Format() string {
	if f.format == "" && !f.hdr.Version.IsZero() {
		return "npy"
	}
	return f.format
}
