package envi

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ndmap/ndmap/header"
)

func init() {
	header.RegisterFormat(header.Format{
		Name:      "envi",
		Match:     match,
		Describer: describer,
	})
}

// match claims a data file with an ENVI header beside it, and an ENVI
// header itself, so that opening one gets an error naming its data file
// rather than an unknown format.
func match(name string, head []byte) bool {
	if strings.EqualFold(filepath.Ext(name), ".npy") || bytes.HasPrefix(head, []byte("\x93NUMPY")) {
		return false
	}
	if isHeaderName(name) && isENVI(head) {
		return true
	}
	_, err := HeaderFile(name)
	return err == nil
}

func describer(name string) (header.Describer, error) {
	if isHeaderName(name) {
		if head, err := readHead(name); err == nil && isENVI(head) {
			if data, err := DataFile(name); err == nil {
				return nil, fmt.Errorf("envi: %s is the header; open its data file %s", name, data)
			}
			return nil, fmt.Errorf("envi: %s is the header, and no data file lies beside it", name)
		}
	}
	hdr, err := HeaderFile(name)
	if err != nil {
		return nil, err
	}
	return ReadFile(hdr)
}

func isHeaderName(name string) bool { return strings.EqualFold(filepath.Ext(name), ".hdr") }

// isENVI reports whether a file's first bytes are those of an ENVI header.
func isENVI(head []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("ENVI"))
}

// readHead returns the first bytes of the named file.
func readHead(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 64)
	n, err := io.ReadFull(f, b)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return b[:n], err
}

// HeaderFile returns the ENVI header of the data file called data: the
// first of name.hdr (the data file's extension replaced, as spectral and
// ENVI name it) and data.hdr (appended, as GDAL also looks for), in lower
// then upper case, that exists and starts with "ENVI". A NIfTI .hdr beside
// an .img is thus not taken for one. Without such a file the error wraps
// [fs.ErrNotExist].
func HeaderFile(data string) (string, error) {
	base := strings.TrimSuffix(data, filepath.Ext(data))
	var tried []string
	for _, c := range []string{base + ".hdr", base + ".HDR", data + ".hdr", data + ".HDR"} {
		if c == data || slices.Contains(tried, c) {
			continue
		}
		tried = append(tried, c)
		if head, err := readHead(c); err == nil && isENVI(head) {
			return c, nil
		}
	}
	return "", fmt.Errorf("envi: no ENVI header beside %s (looked for %s): %w", data, strings.Join(tried, ", "), fs.ErrNotExist)
}

// dataExts are the extensions spectral tries for the data file of a
// header, after none at all; upper-case versions are tried after them.
var dataExts = []string{".img", ".dat", ".sli", ".hyspex", ".raw", ".bsq", ".bil", ".bip"}

// DataFile returns the data file of the ENVI header called hdr: the first
// regular file whose name is hdr without ".hdr", followed by nothing or by
// .img, .dat, .sli, .hyspex, .raw, .bsq, .bil or .bip (then those in upper
// case), as spectral looks for it. Without one the error wraps
// [fs.ErrNotExist].
func DataFile(hdr string) (string, error) {
	if !isHeaderName(hdr) {
		return "", fmt.Errorf("envi: header file name %s does not end in .hdr", hdr)
	}
	base := strings.TrimSuffix(hdr, filepath.Ext(hdr))
	cands := []string{base}
	for _, e := range dataExts {
		cands = append(cands, base+e)
	}
	for _, e := range dataExts {
		cands = append(cands, base+strings.ToUpper(e))
	}
	for _, c := range cands {
		if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() {
			return c, nil
		}
	}
	return "", fmt.Errorf("envi: no data file beside %s: %w", hdr, fs.ErrNotExist)
}
