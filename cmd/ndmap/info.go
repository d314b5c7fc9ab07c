package main

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

func runInfo(args []string, stdout *bufio.Writer, stderr io.Writer) error {
	fs := newFlagSet("info", "[raw flags] FILE...")
	var raw rawFlags
	raw.register(fs)
	pos, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("info needs at least one FILE")
	}
	var d header.Describer
	if raw.set() {
		if d, err = raw.describer(); err != nil {
			return err
		}
	}
	w := stdout
	// Every file is described; the errors of all but the last bad one are
	// printed here, and the last is returned for run to print and exit 1.
	var last error
	for i, p := range pos {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if err := infoTarget(w, p, d, &raw); err != nil {
			if last != nil {
				w.Flush()
				fmt.Fprint(stderr, errorLine(last))
			}
			last = err
		}
	}
	return last
}

// infoTarget describes a shard set, a Zarr array or group, or one file.
func infoTarget(w *bufio.Writer, path string, d header.Describer, raw *rawFlags) error {
	if ok, err := infoDataset(w, path, raw); ok {
		return err
	}
	return info(w, path, d)
}

// info describes one file: a raw file when d is given, else a .npy file,
// an .npz archive, a file of another format, or one member of an archive
// written archive.npz:member (or an HDU of a FITS file, file.fits:HDU).
func info(w *bufio.Writer, path string, d header.Describer) error {
	member := ""
	if d == nil {
		path, member = splitMember(path)
	}
	if d != nil {
		h, err := header.DescribeFile(path, d)
		if err != nil {
			return err
		}
		st, err := os.Stat(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: raw file of %d bytes\n", path, st.Size())
		writeHeader(w, "  ", h, false)
		return nil
	}
	kind, err := sniff(path)
	if err != nil {
		return err
	}
	if kind == kindFormat {
		return infoFormat(w, path, member)
	}
	if kind == kindNPY && member == "" {
		h, err := header.DescribeFile(path, npyReader())
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: .npy version %s\n", path, h.Version)
		writeHeader(w, "  ", h, false)
		return nil
	}
	arch, err := npyReader().OpenArchive(path)
	if err != nil {
		return err
	}
	defer arch.Close()
	members := arch.Members
	if member != "" {
		m, ok := arch.Lookup(member)
		if !ok {
			return fmt.Errorf("%s: no member %q", path, member)
		}
		members = []*header.Member{m}
	} else {
		fmt.Fprintf(w, "%s: .npz archive, %d %s\n", path, len(members), plural(len(members), "member", "members"))
	}
	for _, m := range members {
		var method string
		switch m.Method {
		case zip.Store:
			method = "stored"
		case zip.Deflate:
			method = fmt.Sprintf("deflated, %d bytes compressed", m.CompressedSize)
		default:
			method = fmt.Sprintf("compression method %d", m.Method)
		}
		if m.Header == nil {
			fmt.Fprintf(w, "  %s: %s, %d bytes, not an array\n", m.Name, method, m.UncompressedSize)
			continue
		}
		fmt.Fprintf(w, "  %s: %s, .npy version %s\n", m.Name, method, m.Header.Version)
		h := *m.Header
		if m.Method == zip.Store {
			h.DataOffset = m.DataOffset
		}
		writeHeader(w, "    ", &h, m.Method != zip.Store)
	}
	return nil
}

// writeHeader writes the facts of one array, one per line.
// inflated says the data offset counts from the start of the inflated
// member rather than the file.
func writeHeader(w *bufio.Writer, indent string, h *header.Header, inflated bool) {
	descr, err := h.DType.Descr()
	if err != nil {
		descr = h.DType.TypeString()
	}
	order := "C"
	if h.FortranOrder {
		order = "Fortran"
	}
	offset := fmt.Sprint(h.DataOffset)
	if inflated {
		offset += " (in the inflated member)"
	}
	rows := [][2]string{
		{"descr", descr},
		{"dtype", dtypeText(h.DType)},
		{"shape", layout.FormatShape(h.Shape)},
		{"order", order},
		{"offset", offset},
		{"bytes", fmt.Sprintf("%d (%d %s of %d %s)", h.DataSize(), h.Count(), plural(int(h.Count()), "item", "items"), h.DType.Size, plural(h.DType.Size, "byte", "bytes"))},
	}
	for _, r := range rows {
		fmt.Fprintf(w, "%s%-7s %s\n", indent, r[0], r[1])
	}
}

// dtypeText is the readable form of a dtype, with records of many fields
// cut short: the descr line already lists them all.
func dtypeText(dt layout.DType) string {
	s := dt.String()
	if dt.Kind == layout.Struct && len(s) > 200 {
		s = fmt.Sprintf("record of %d fields: %s…}", len(dt.Fields), strings.TrimRight(s[:160], ", "))
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
