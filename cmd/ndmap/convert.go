package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/internal/osfile"
)

func runConvert(args []string, stdout *bufio.Writer, stderr io.Writer) error {
	fs := newFlagSet("convert", "[--compress] [--to FORMAT] [--rate N] [raw flags] IN OUT  (OUT: file.npy, file.npz, file.raw, file.mrc, file.nii, file.img, file.fits, file.wav or folder/)")
	compress := fs.Bool("compress", false, "deflate the members of an .npz output, as np.savez_compressed does")
	to := fs.String("to", "", "write OUT in this format (npy, npz, raw, mrc, nifti, fits, envi, wav) whatever its name; needed for envi")
	rate := fs.Int("rate", 0, "sample rate of a WAV OUT, in frames a second (required for WAV)")
	var raw rawFlags
	raw.register(fs)
	pos, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("convert takes IN and OUT, not %d arguments", len(pos))
	}
	in, out := pos[0], pos[1]
	kind, err := outputKind(out, *to)
	if err != nil {
		return err
	}
	srcs, skipped, closeIn, err := sources(in, &raw)
	if err != nil {
		return err
	}
	defer closeIn()
	if len(srcs) == 0 && len(skipped) > 0 {
		return fmt.Errorf("%s: no array can be read: %s", in, strings.Join(skipped, "; "))
	}
	if err := convert(in, out, kind, srcs, *compress, *rate, stderr); err != nil {
		return err
	}
	if kind == outRaw {
		fmt.Fprintf(stdout, "%s: read it with %s\n", out, rawFlagsText(srcs[0].h))
	}
	if len(skipped) > 0 {
		// The output holds every array that could be read; the status
		// says it is not all of the input, as cp says of files it could
		// not copy.
		return fmt.Errorf("%s: converted %d of %d arrays to %s; not converted: %s", in, len(srcs), len(srcs)+len(skipped), out, strings.Join(skipped, "; "))
	}
	return nil
}

// convert writes the sources to out, of the given kind.
// rate is the sample rate of a WAV file.
func convert(in, out string, kind int, srcs []source, compress bool, rate int, stderr io.Writer) error {
	var total int64
	for _, s := range srcs {
		total += s.h.DataSize()
	}
	p := newProgress(stderr, "convert", total)
	defer p.finish()
	switch kind {
	case outNPY:
		if len(srcs) != 1 {
			return fmt.Errorf("%s: holds %d arrays and %s can hold one; name a member as %s:NAME or convert to a folder", in, len(srcs), out, in)
		}
		return writeFileAtomic(out, in, npySize(srcs[0]), func(w io.Writer) error { return writeNPY(w, srcs[0], p) })
	case outNPZ:
		return writeFileAtomic(out, in, -1, func(w io.Writer) error { return writeNPZ(w, srcs, compress, p) })
	case outRaw:
		if len(srcs) != 1 {
			return fmt.Errorf("%s: holds %d arrays and %s can hold one; name a member as %s:NAME or convert to a folder", in, len(srcs), out, in)
		}
		return writeFileAtomic(out, in, srcs[0].h.DataSize(), func(w io.Writer) error { return copyData(w, srcs[0], p) })
	case outMRC, outNIfTI, outFITS, outENVI, outWAV:
		if len(srcs) != 1 {
			return fmt.Errorf("%s: holds %d arrays and %s can hold one; name a member as %s:NAME", in, len(srcs), out, in)
		}
		return writeFormat(in, out, kind, srcs[0], rate, p)
	}
	for _, s := range srcs {
		// np.savez writes a key "dir/x" as the member dir/x.npy, but a
		// folder of .npy files has no place for it.
		if s.key == "" || s.key != filepath.Base(s.key) || s.key == "." || s.key == ".." || strings.ContainsAny(s.key, `/\`) {
			return fmt.Errorf("%s: member %q cannot be a file of the folder %s; convert to an .npz file, or name another member", in, s.key+".npy", out)
		}
	}
	if err := os.MkdirAll(out, 0o777); err != nil {
		return err
	}
	for _, s := range srcs {
		name := filepath.Join(out, s.key+".npy")
		if err := writeFileAtomic(name, in, npySize(s), func(w io.Writer) error { return writeNPY(w, s, p) }); err != nil {
			return err
		}
	}
	return nil
}

// Kinds of output, chosen by the name of OUT.
const (
	outNPY = iota
	outNPZ
	outDir
	outRaw // the data bytes alone, as tofile writes them
	outMRC
	outNIfTI // a .nii file, or an .img file and its .hdr
	outFITS
	outENVI // a data file and its .hdr; chosen by --to alone
	outWAV
)

// outputKind tells the kind of output from to, the --to flag, or else from
// OUT's name.
func outputKind(out, to string) (int, error) {
	if to != "" {
		k, ok := formatNames[strings.ToLower(to)]
		if !ok {
			return 0, usagef("--to %q: not one of npy, npz, raw, mrc, nifti, fits, envi, wav", to)
		}
		return k, nil
	}
	switch strings.ToLower(filepath.Ext(out)) {
	case ".mrc", ".mrcs":
		return outMRC, nil
	case ".nii", ".img":
		return outNIfTI, nil
	case ".fits", ".fit":
		return outFITS, nil
	case ".wav":
		return outWAV, nil
	}
	switch {
	case strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(os.PathSeparator)):
		return outDir, nil
	case strings.EqualFold(filepath.Ext(out), ".npy"):
		return outNPY, nil
	case strings.EqualFold(filepath.Ext(out), ".npz"):
		return outNPZ, nil
	case isRawName(out):
		return outRaw, nil
	}
	return 0, usagef("OUT %q must end in .npy, .npz, .raw, .bin, .dat, .mrc, .mrcs, .nii, .img, .fits, .fit, .wav or / (a folder), or --to must name its format (--to envi for ENVI)", out)
}

// A source is one array to convert: its name, its header, and a way to
// read its data bytes as they lie in the file (C or Fortran order, the
// dtype's byte order).
type source struct {
	key  string
	h    header.Header
	open func() (io.ReadCloser, error)
	path string // the file holding the data at h.DataOffset, where it can be mapped; or ""
}

// sources lists the arrays of IN: a raw file described by flags, a .npy
// file, every array of an .npz archive, or one written archive.npz:member.
// The arrays of an archive that cannot be read are skipped, each described
// in skipped by its name and the reason. The archive stays open, for the
// sources to read, until done is called.
func sources(in string, raw *rawFlags) (srcs []source, skipped []string, done func() error, err error) {
	none := func() error { return nil }
	if srcs, done, ok, err := datasetSources(in, raw); ok {
		return srcs, nil, done, err
	}
	path, member := in, ""
	if !raw.set() {
		path, member = splitMember(in)
	}
	key := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	var d header.Describer = npyReader()
	if raw.set() {
		if d, err = raw.describer(); err != nil {
			return nil, nil, none, err
		}
	} else {
		kind, err := sniff(path)
		if err != nil {
			return nil, nil, none, err
		}
		switch {
		case kind == kindFormat:
			if d, _, err = formatDescriber(path, member); err != nil {
				return nil, nil, none, err
			}
		case kind == kindNPZ || member != "":
			return memberSources(path, member)
		}
	}
	h, err := header.DescribeFile(path, d)
	if err != nil {
		return nil, nil, none, withPath(path, err)
	}
	open := func() (io.ReadCloser, error) { return openSection(path, h.DataOffset, h.DataSize()) }
	return []source{{key: key, h: *h, open: open, path: path}}, nil, none, nil
}

// memberSources lists the arrays of an .npz archive, or only the named one,
// and returns the archive's Close.
func memberSources(path, member string) ([]source, []string, func() error, error) {
	arch, err := npyReader().OpenArchive(path)
	if err != nil {
		return nil, nil, nil, err
	}
	srcs, skipped, err := archiveSources(arch, path, member)
	if err != nil {
		arch.Close()
		return nil, nil, nil, err
	}
	return srcs, skipped, arch.Close, nil
}

func archiveSources(arch *header.Archive, path, member string) ([]source, []string, error) {
	mems := arch.Members
	if member != "" {
		m, ok := arch.Lookup(member)
		if !ok {
			return nil, nil, fmt.Errorf("%s: no member %q", path, member)
		}
		if m.Err != nil {
			return nil, nil, m.Err
		}
		mems = []*header.Member{m}
	}
	var srcs []source
	var skipped []string
	for _, m := range mems {
		if m.Err != nil {
			skipped = append(skipped, m.Name+" ("+memberReason(path, m, m.Err)+")")
			continue
		}
		if m.Header == nil {
			if member != "" {
				return nil, nil, fmt.Errorf("%s: member %q is not a .npy array", path, m.Name)
			}
			continue // not an array: neither a .npy file nor np.load's keys have a place for it
		}
		key := strings.TrimSuffix(m.Name, ".npy")
		srcs = append(srcs, source{key: key, h: *m.Header, open: func() (io.ReadCloser, error) { return openMemberData(path, m) }})
	}
	return srcs, skipped, nil
}

// section reads n bytes of a file from an offset and closes the file.
type section struct {
	io.Reader
	f *os.File
}

func (s section) Close() error { return s.f.Close() }

func openSection(path string, off, n int64) (io.ReadCloser, error) {
	f, err := osfile.Open(path, os.O_RDONLY)
	if err != nil {
		return nil, err
	}
	return section{io.NewSectionReader(f, off, n), f}, nil
}

// memberData reads the data bytes of an .npz member through the archive's
// own reader, so that deflated members are inflated and every member's
// CRC-32 is checked: Close reads to the end of the member to verify it.
type memberData struct {
	io.Reader
	rc io.ReadCloser
}

func (m memberData) Close() error {
	_, err := io.Copy(io.Discard, m.rc)
	m.rc.Close()
	return err
}

func openMemberData(path string, m *header.Member) (io.ReadCloser, error) {
	rc, err := m.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// The member's bytes are a whole .npy file: skip its header.
	if _, err := io.CopyN(io.Discard, rc, m.Header.DataOffset); err != nil {
		rc.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return memberData{io.LimitReader(rc, m.Header.DataSize()), rc}, nil
}

// copyData copies a source's data bytes to w through one buffer, checking
// that all of them arrive.
func copyData(w io.Writer, s source, p *progress) (err error) {
	r, err := s.open()
	if err != nil {
		return err
	}
	defer func() {
		if cerr := r.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("%s: %w", s.key, cerr)
		}
	}()
	buf := make([]byte, 1<<20)
	want := s.h.DataSize()
	var n int64
	for n < want {
		k, rerr := r.Read(buf[:min(int64(len(buf)), want-n)])
		if k > 0 {
			if _, werr := w.Write(buf[:k]); werr != nil {
				return werr
			}
			n += int64(k)
			p.add(int64(k))
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if n != want {
		return fmt.Errorf("%s: data ends after %d of %d bytes", s.key, n, want)
	}
	return nil
}

// writeNPY writes a source as a .npy file: a header as NumPy writes it,
// then the data bytes unchanged.
func writeNPY(w io.Writer, s source, p *progress) error {
	h := s.h
	h.Version = header.Version{} // NumPy's own choice for what the header needs
	if _, err := header.Write(w, h); err != nil {
		return err
	}
	return copyData(w, s, p)
}

// writeNPZ writes the sources as the members of an .npz archive.
func writeNPZ(w io.Writer, srcs []source, compress bool, p *progress) error {
	z := header.NewNPZWriter(w, header.NPZOptions{Compress: compress})
	for _, s := range srcs {
		h := s.h
		h.Version = header.Version{}
		mw, err := z.Create(s.key, h)
		if err != nil {
			return err
		}
		if err := copyData(mw, s, p); err != nil {
			return err
		}
	}
	return z.Close()
}

// npySize returns the size of the .npy file writeNPY writes for s.
func npySize(s source) int64 {
	h := s.h
	h.Version = header.Version{}
	b, err := header.Encode(h)
	if err != nil {
		return -1
	}
	return int64(len(b)) + h.DataSize()
}

// writeFileAtomic writes a file of size bytes (-1 if not known) through fn,
// apart from out, and gives it out's name only once it is complete, as
// array.SaveFunc does: a failure or a kill leaves no partial output, a new
// file gets 0666 less the umask and a replaced one keeps its mode. The
// space is reserved first where the file system can, so that a full disk
// stops the conversion before it starts. It refuses to write over the
// input.
func writeFileAtomic(out, in string, size int64, fn func(io.Writer) error) error {
	if a, err := os.Stat(out); err == nil {
		if b, err := os.Stat(strings.SplitN(in, ":", 2)[0]); err == nil && os.SameFile(a, b) {
			return fmt.Errorf("%s: is the input; write to another file", out)
		}
	}
	err := array.SaveFunc(out, size, fn, array.Preallocate())
	if errors.Is(err, errors.ErrUnsupported) {
		// Reserving failed before anything was written: write unreserved.
		err = array.SaveFunc(out, size, fn)
	}
	return err
}
