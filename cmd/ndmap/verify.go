package main

import (
	"bufio"
	"fmt"
	"io"

	"github.com/ndmap/ndmap/header"
)

func runVerify(args []string, stdout *bufio.Writer, stderr io.Writer) error {
	fs := newFlagSet("verify", "FILE...")
	fs.IntVar(&maxHeaderLen, "max-header-len", header.DefaultMaxHeaderLen, "longest .npy header text to read, in characters (NumPy's limit by default)")
	pos, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("verify needs at least one FILE")
	}
	// As info does: every file is checked, the errors of all but the last
	// bad one are printed here, and the last is returned to exit 1.
	var last error
	for _, p := range pos {
		if err := verifyFile(stdout, p); err != nil {
			if last != nil {
				stdout.Flush()
				fmt.Fprint(stderr, errorLine(last))
			}
			last = err
		}
	}
	return last
}

// verifyFile checks one file and prints one line for it, and one for each
// member of an archive: every member is read to its end and its size and
// CRC-32 compared with the archive's; a .npy file, which has no checksum,
// has its header read and the size of its data checked. It returns the
// error of the first member that is damaged or whose checksum is wrong.
func verifyFile(w *bufio.Writer, path string) error {
	path, member := splitMember(path)
	kind, err := sniff(path)
	if err != nil {
		return err
	}
	if kind == kindFormat {
		d, f, err := formatDescriber(path, member)
		if err != nil {
			return err
		}
		h, err := header.DescribeFile(path, d)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: ok: the %s header reads and its %d data bytes are there (the format has no checksum)\n", path, f.Name, h.DataSize())
		return nil
	}
	if kind == kindNPY && member == "" {
		h, err := header.DescribeFile(path, npyReader())
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: ok: the header reads and its %d data bytes are there (a .npy file has no checksum)\n", path, h.DataSize())
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
		switch err := m.Verify(); {
		case err != nil && err == m.Err:
			fmt.Fprintf(w, "  %s: not verified: %s\n", m.Name, memberReason(path, m, err))
			if !refused(err) && bad == nil {
				bad = err
			}
		case err != nil:
			fmt.Fprintf(w, "  %s: wrong: %s\n", m.Name, memberReason(path, m, err))
			if bad == nil {
				bad = err
			}
		case m.Err != nil:
			// The bytes are the archive's, but they are no array
			// ndmap reads: refused, or damaged when they were written.
			fmt.Fprintf(w, "  %s: ok, crc32 %08x, but not read as an array: %s\n", m.Name, m.CRC32, memberReason(path, m, m.Err))
			if !refused(m.Err) && bad == nil {
				bad = m.Err
			}
		default:
			fmt.Fprintf(w, "  %s: ok, crc32 %08x\n", m.Name, m.CRC32)
		}
	}
	return bad
}
