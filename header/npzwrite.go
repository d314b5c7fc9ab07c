package header

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"

	"github.com/ndmap/ndmap/layout"
)

// ErrMemberSize is wrapped by the errors of an [NPZWriter] whose member was
// given more or fewer data bytes than its header promises.
var ErrMemberSize = errors.New("header: member data does not match its header")

// MaxNPZAlign is the largest alignment [NPZOptions.Align] may ask for: a page.
const MaxNPZAlign = 4096

// NPZOptions say how an [NPZWriter] writes its members.
type NPZOptions struct {
	// Compress deflates every member, as np.savez_compressed does.
	// Otherwise members are stored as they are, as np.savez does, and
	// their data can be mapped in place.
	Compress bool

	// Level is the deflate level, from flate.BestSpeed (1) to
	// flate.BestCompression (9), for compressed members. Zero means
	// flate.DefaultCompression, the level np.savez_compressed uses.
	Level int

	// Align, for stored members, pads each member's .npy header with
	// spaces so that the array's data starts at an offset from the start
	// of the archive that is a multiple of Align: 64 makes every member's
	// data aligned for any Go element type once the archive is mapped.
	// The header stays one NumPy reads; it is no longer byte-identical to
	// the one np.savez writes. Zero or one means no padding. Align must be
	// a power of two no larger than MaxNPZAlign, and is ignored when
	// Compress is set.
	Align int
}

// NPZWriter writes an .npz archive, the zip of .npy files that np.savez and
// np.savez_compressed write, to an io.Writer, one array after another.
// Each array is streamed: [NPZWriter.Create] writes the member's header and
// returns a writer for its data bytes, so an array larger than memory can
// be written from a file or computed piece by piece. Members appear in the
// archive in the order they were created. Sizes, checksums and the zip64
// records that archives or members of 4 GiB and more need are written by
// [archive/zip]; every member has a data descriptor, as a zip written to a
// stream does, which NumPy, Python's zipfile and [ReadArchive] all read.
//
// An NPZWriter is not safe for use by several goroutines at once.
type NPZWriter struct {
	cw     *countWriter
	zw     *zip.Writer
	opts   NPZOptions
	names  map[string]bool
	cur    *npzMember
	err    error // sticky: the archive cannot be completed
	closed bool
}

// NewNPZWriter returns an NPZWriter that writes an archive to w with the
// given options. The archive is complete once [NPZWriter.Close] returns
// nil; w is not closed.
//
// NewNPZWriter panics if opts.Align is negative, not a power of two or
// larger than MaxNPZAlign, or opts.Level is outside 0 to 9.
func NewNPZWriter(w io.Writer, opts NPZOptions) *NPZWriter {
	if a := opts.Align; a < 0 || a > MaxNPZAlign || a&(a-1) != 0 {
		panic(fmt.Sprintf("header: NPZOptions.Align %d is not a power of two up to %d", a, MaxNPZAlign))
	}
	if opts.Level < 0 || opts.Level > flate.BestCompression {
		panic(fmt.Sprintf("header: NPZOptions.Level %d is not a deflate level from 1 to 9", opts.Level))
	}
	level := opts.Level
	if level == 0 {
		level = flate.DefaultCompression
	}
	cw := &countWriter{w: w}
	zw := zip.NewWriter(cw)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, level)
	})
	return &NPZWriter{cw: cw, zw: zw, opts: opts, names: map[string]bool{}}
}

// Create starts the member for the array key, named key+".npy" in the
// archive as np.savez names it, writes its .npy header for h (see [Encode];
// h.DataOffset is ignored) and returns the writer of its data: exactly
// h.DataSize() bytes, the items in C order (Fortran order if
// h.FortranOrder), in the dtype's byte order. The writer is valid until the
// next call to Create or Close.
//
// Create returns an error if key was used already, if h cannot be encoded,
// or if the previous member did not get all of its data (an error wrapping
// [ErrMemberSize] after which the archive cannot be completed).
func (z *NPZWriter) Create(key string, h Header) (io.Writer, error) {
	if err := z.finish(); err != nil {
		return nil, err
	}
	name := key + ".npy"
	if z.names[name] {
		return nil, fmt.Errorf("header: .npz member %q written twice", name)
	}
	size := h.DataSize()
	if size < 0 {
		return nil, fmt.Errorf("header: member %q: shape %s of %d-byte items overflows", name, layout.FormatShape(h.Shape), h.DType.Size)
	}
	// Encode before the member starts, so that a header it refuses
	// leaves the archive as it was. Its errors name what is wrong with h,
	// which the caller gave with the key.
	b, err := Encode(h)
	if err != nil {
		return nil, err
	}
	fh := &zip.FileHeader{
		Name:   name,
		Method: zip.Store,
		// 1980-01-01 00:00, the earliest zip time: the archive's bytes
		// depend on its arrays alone.
		ModifiedDate: 1<<5 | 1,
	}
	if z.opts.Compress {
		fh.Method = zip.Deflate
	}
	w, err := z.zw.CreateHeader(fh)
	if err != nil {
		z.err = writeErr(name, err)
		return nil, z.err
	}
	z.names[name] = true
	if !z.opts.Compress && z.opts.Align > 1 {
		// The local header has just been written: once the zip writer's
		// buffer is flushed, the count is where the member's bytes start.
		if err := z.zw.Flush(); err != nil {
			z.err = writeErr(name, err)
			return nil, z.err
		}
		if b, err = encodeAligned(h, z.cw.n, z.opts.Align); err != nil {
			// Encode took h, so only the padded length can be refused.
			z.err = fmt.Errorf("%w: member %q: version %s cannot hold the header padded to a multiple of %d bytes", ErrVersion, name, h.Version, z.opts.Align)
			return nil, z.err
		}
	}
	if _, err := w.Write(b); err != nil {
		z.err = writeErr(name, err)
		return nil, z.err
	}
	z.cur = &npzMember{w: w, z: z, name: name, want: size}
	return z.cur, nil
}

// Close finishes the last member and writes the zip's central directory.
// It does not close the underlying writer. It returns an error wrapping
// [ErrMemberSize] if the last member did not get all of its data. Closing
// twice does nothing.
func (z *NPZWriter) Close() error {
	if z.closed {
		return z.err
	}
	if err := z.finish(); err != nil {
		z.closed = true
		return err
	}
	z.closed = true
	if err := z.zw.Close(); err != nil {
		z.err = &causeError{what: "finishing the .npz archive", off: -1, err: err}
	}
	return z.err
}

// finish checks that the current member got all its data.
func (z *NPZWriter) finish() error {
	if z.err != nil {
		return z.err
	}
	if z.closed {
		return errors.New("header: NPZWriter is closed")
	}
	if m := z.cur; m != nil {
		z.cur = nil
		m.done = true
		if m.n != m.want {
			z.err = fmt.Errorf("%w: member %q got %d data bytes, its header promises %d", ErrMemberSize, m.name, m.n, m.want)
			return z.err
		}
	}
	return nil
}

// writeErr reports a failure to write the member name.
func writeErr(name string, err error) error {
	return &causeError{what: fmt.Sprintf("member %q: writing", name), off: -1, err: err}
}

// npzMember is the writer of one member's data bytes.
type npzMember struct {
	w    io.Writer
	z    *NPZWriter
	name string
	want int64
	n    int64
	done bool
}

// Write writes data bytes of the member; more than its header promises is
// an error wrapping ErrMemberSize, and nothing of p is written then.
func (m *npzMember) Write(p []byte) (int, error) {
	if m.done {
		return 0, fmt.Errorf("header: member %q: write after the next member was created or the archive closed", m.name)
	}
	if m.z.err != nil {
		return 0, m.z.err
	}
	if int64(len(p)) > m.want-m.n {
		return 0, fmt.Errorf("%w: member %q: %d more bytes would exceed the %d its header promises", ErrMemberSize, m.name, len(p), m.want)
	}
	n, err := m.w.Write(p)
	m.n += int64(n)
	if err != nil {
		m.z.err = writeErr(m.name, err)
		return n, m.z.err
	}
	return n, nil
}

// countWriter counts the bytes that reach w.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
