package main

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

func runInfo(args []string, stdout *bufio.Writer, stderr io.Writer) error {
	fs := newFlagSet("info", "[--verify] [raw flags] FILE...")
	verify := fs.Bool("verify", false, "read every .npz member to the end and check its CRC-32")
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
		if err := infoTarget(w, p, d, &raw, *verify); err != nil {
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
func infoTarget(w *bufio.Writer, path string, d header.Describer, raw *rawFlags, verify bool) error {
	if ok, err := infoDataset(w, path, raw); ok {
		return err
	}
	return info(w, path, d, verify)
}

// info describes one file: a raw file when d is given, else a .npy file,
// an .npz archive, a file of another format, or one member of an archive
// written archive.npz:member (or an HDU of a FITS file, file.fits:HDU).
// A member that cannot be read is described with the reason; the error
// returned is that of the first member found damaged, not refused (see
// refused), or with verify, of the first whose checksum is wrong.
func info(w *bufio.Writer, path string, d header.Describer, verify bool) error {
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
		if verify {
			fmt.Fprintf(w, "  %-7s none: a .npy file has no checksum\n", "crc32")
		}
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
	var bad error
	for _, m := range members {
		method := methodText(m)
		switch {
		case m.Err != nil:
			fmt.Fprintf(w, "  %s: %s, %d bytes, not read: %s\n", m.Name, method, m.UncompressedSize, memberReason(path, m, m.Err))
			if !refused(m.Err) && bad == nil {
				bad = m.Err
			}
		case m.Header == nil:
			fmt.Fprintf(w, "  %s: %s, %d bytes, not an array\n", m.Name, method, m.UncompressedSize)
		default:
			fmt.Fprintf(w, "  %s: %s, .npy version %s\n", m.Name, method, m.Header.Version)
			h := *m.Header
			if m.Method == zip.Store {
				h.DataOffset = m.DataOffset
			}
			writeHeader(w, "    ", &h, m.Method != zip.Store)
		}
		if verify {
			if err := verifyMember(w, "    ", path, m); err != nil && bad == nil {
				bad = err
			}
		}
	}
	return bad
}

// methodText says how a member is stored.
func methodText(m *header.Member) string {
	switch m.Method {
	case zip.Store:
		return "stored"
	case zip.Deflate:
		return fmt.Sprintf("deflated, %d bytes compressed", m.CompressedSize)
	}
	return fmt.Sprintf("compression method %d", m.Method)
}

// verifyMember reads a member to its end, checking its size and CRC-32,
// and writes the outcome as a line of info. A member whose bytes cannot
// be read at all (its Err says why) is not checked again.
func verifyMember(w *bufio.Writer, indent, path string, m *header.Member) error {
	switch err := m.Verify(); {
	case err != nil && err == m.Err:
		fmt.Fprintf(w, "%s%-7s %08x, not verified: the member's bytes cannot be read\n", indent, "crc32", m.CRC32)
		return nil
	case err != nil:
		fmt.Fprintf(w, "%s%-7s %08x, wrong: %s\n", indent, "crc32", m.CRC32, memberReason(path, m, err))
		return err
	}
	fmt.Fprintf(w, "%s%-7s %08x, verified\n", indent, "crc32", m.CRC32)
	return nil
}

// refused reports whether a member's Err says it was refused, not found
// damaged: its dtype cannot be mapped (an object array, a long double),
// its header is longer than the limit, or it is compressed or encrypted in
// a way ndmap does not read. Such members do not make an archive unsound.
func refused(err error) bool {
	return errors.Is(err, layout.ErrUnsupported) || errors.Is(err, header.ErrTooLong) || errors.Is(err, errors.ErrUnsupported)
}

// memberReason is err, about member m of the archive at path, without the
// package, path and member that the line it is printed on already gives.
func memberReason(path string, m *header.Member, err error) string {
	s := strings.TrimPrefix(err.Error(), "header: ")
	s = strings.TrimPrefix(s, path+": ")
	for _, name := range []string{m.Name, m.Name + " (inflated)"} {
		s = strings.TrimPrefix(s, fmt.Sprintf("member %q: ", name))
	}
	if errors.Is(err, header.ErrTooLong) {
		s += " (--max-header-len raises the limit)"
	}
	return oneLine(s)
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
