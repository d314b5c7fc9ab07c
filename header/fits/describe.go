package fits

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// Describer is the [header.Describer] of one image HDU of a FITS file.
//
// The zero Describer chooses as astropy.io.fits.getdata does without an
// extension: the primary HDU, or when it has no data the HDU after it. A
// non-empty ExtName chooses the first HDU whose EXTNAME equals it (without
// regard to case) and, when ExtVer is not 0, whose EXTVER equals ExtVer.
// Otherwise a non-zero HDU chooses the HDU at that index.
type Describer struct {
	HDU     int
	ExtName string
	ExtVer  int
}

// Choose returns the HDU of f that d chooses. It is an error if there is
// none, or if it is not an image: a table, random groups, or an empty
// primary HDU with nothing after it.
func (d Describer) Choose(f *File) (*HDU, error) {
	var h *HDU
	switch {
	case d.ExtName != "":
		for _, x := range f.HDUs {
			if strings.EqualFold(x.ExtName, d.ExtName) && (d.ExtVer == 0 || x.ExtVer == d.ExtVer) {
				h = x
				break
			}
		}
		if h == nil {
			return nil, fmt.Errorf("fits: no HDU has EXTNAME %q (and EXTVER %d)", d.ExtName, d.ExtVer)
		}
	case d.HDU < 0 || d.HDU >= len(f.HDUs):
		return nil, fmt.Errorf("fits: no HDU %d: the file has %d", d.HDU, len(f.HDUs))
	default:
		h = f.HDUs[d.HDU]
		if d.HDU == 0 && len(h.Axes) == 0 && len(f.HDUs) > 1 {
			h = f.HDUs[1]
		}
	}
	if !h.Image {
		return nil, notImage(h)
	}
	return h, nil
}

// notImage says why h has no array to map.
func notImage(h *HDU) error {
	switch {
	case h.XTension != "" && h.XTension != "IMAGE":
		return fmt.Errorf("fits: HDU %d is a %s extension, not an image", h.Index, h.XTension)
	case len(h.Axes) == 0:
		return fmt.Errorf("fits: HDU %d has no data (NAXIS = 0)", h.Index)
	}
	c, _ := h.Get("GROUPS")
	return &header.FormatError{Offset: c.Offset, Format: "fits", Msg: fmt.Sprintf("HDU %d holds random groups, which are not supported", h.Index), Err: layout.ErrUnsupported}
}

// Describe reads the HDUs of a FITS file of the given size and returns the
// array of the one d chooses.
func (d Describer) Describe(r io.ReaderAt, size int64) (*header.Header, error) {
	f, err := Read(r, size)
	if err != nil {
		return nil, err
	}
	h, err := d.Choose(f)
	if err != nil {
		return nil, err
	}
	a := h.Array
	return &a, nil
}

func init() {
	header.RegisterFormat(header.Format{
		Name:       "fits",
		Extensions: []string{".fits", ".fit", ".fts"},
		Match: func(_ string, head []byte) bool {
			return bytes.HasPrefix(head, []byte("SIMPLE  ="))
		},
		Describer: func(string) (header.Describer, error) { return Describer{}, nil },
	})
}
