// Package array gives typed, zero-copy, strided views of arrays in files:
// .npy files, members of .npz archives, and raw files described by a
// [header.Describer]. A file is mapped into memory and only the pages a
// program touches are read, so files far bigger than RAM open at once, and
// several processes reading one file share its pages.
//
// # Opening
//
// [Open] opens a .npy file as an [Array] of a Go element type that matches
// its dtype (float32 for '<f4' or '>f4', [layout.Float16] for '<f2', int64
// for datetimes, and so on):
//
//	a, err := array.Open[float32]("frames.npy", mmap.ReadOnly)
//	if err != nil { ... }
//	defer a.Close()
//	frame := a.Index(120000)       // View[float32] of shape (256, 256): no copy, no allocation
//	v := frame.At(10, 20)
//
// [OpenFile] opens a .npy file of any dtype — records, strings, datetimes —
// as a [File], whose [File.Items] view gives typed views with [As] and
// [Field]. [OpenRaw] and [OpenWithHeader] open files without a .npy header,
// given a [header.Raw] (data at a fixed offset, like np.memmap) or a
// [header.Record] (a record at the start of the file gives the shape).
// [OpenMember] opens one array of a .npz archive.
//
// # Modes
//
// A file opened [mmap.ReadOnly] cannot be written through its views:
// [View.Set] and the other writing methods return [ErrReadOnly]. Opened
// [mmap.ReadWrite], writes reach the file ([File.Flush] waits until they are
// on the device) and other processes mapping it; opened [mmap.CopyOnWrite],
// writes stay private to the process.
//
// # Views
//
// A [View] has a shape and strides in bytes, like a NumPy array. [View.Index]
// drops the first axis; [View.Slice] takes one [Sel] per axis, as NumPy's
// basic indexing does (a[:, 7] is Slice(All, Idx(7)), a[::-1] is
// Slice(All.By(-1))); [View.T], [View.Permute] and [View.Reshape] rearrange
// axes. None of them copies data.
//
// Elements are read in place when the file's byte order is the machine's and
// they are aligned for the Go type. Otherwise — a big-endian file, a stored
// .npz member at an odd offset, a field of a packed record — they are copied
// and swapped, which is slower but exact. [View.Contiguous] gives the
// elements as a []T over the mapping when the layout allows it and says why
// not when it does not; [View.CopyTo] gathers any view into a slice without
// allocating.
//
// # Reading fast
//
// [View.CopyTo] and [View.Values] walk a view a row at a time, where a row
// runs over every trailing axis that continues the one after it: a frame
// of a C-ordered file is one copy, and a column is read through a []T with
// a step. [View.At] checks its indices on every call and is meant for
// scattered reads, not for loops over many elements; [View.Contiguous]
// gives the elements as a plain slice when the layout allows.
//
// The operating system reads a mapped file as the program faults on its
// pages, guessing what to read ahead. For random frames of a large file,
// call [View.Advise] with [mmap.WillNeed] on each frame before reading it:
// its pages are then read in one batch, as fast as pread, and no more than
// the frame is brought in — with the default advice, a cold page fault can
// read several megabytes around it. [File.Advise] with [mmap.Sequential]
// suits a single pass over the whole file.
//
// # Records
//
// [Field] gives a typed view of one field of a record file; nested fields
// are named with dots ("meta.a") and sub-array fields add trailing axes.
// [Items.Text] reads byte-string and unicode fields as Go strings. [Overlay]
// lays a Go struct over the records when the struct's layout is exactly the
// file's; NumPy packs records unless asked to align them, so usually it is
// not, and the error says which field differs.
//
// # Writing
//
// [Create] makes a new .npy file for an array of T, and [CreateFile] one of
// any dtype and order, as NumPy's open_memmap does with mode 'w+': the
// header, byte for byte NumPy's, is written first, the file is given its
// full size (sparse where the file system allows) and mapped ReadWrite, and
// the array is filled through its views. [File.Close] flushes it. The data is
// written in place: at every moment the file is a .npy file of the full
// shape, and a crash leaves in it whatever writes reached the file — all of
// them when only the process dies, those before the last [File.Flush] when
// the machine stops. [CreateRaw] makes a headerless file as np.memmap does,
// and [CreateWithHeader] a raw file whose leading record gives the shape,
// read back with [header.Record].
//
// An [Appender] adds rows along the first axis of an existing .npy file
// without rewriting it: the rows are written after the data, then the
// header is rewritten in place with the new shape, in one write, using the
// spare spaces NumPy leaves in it. A process killed at any moment leaves a
// file that NumPy loads, with every row whose [Append] returned. A header
// with no room for the new shape gives [ErrHeaderFull].
//
// [Save] and [Load] write and read whole arrays in memory, as np.save and
// np.load do; [Write] and [Read] do the same through streams, [WriteItems]
// and [SaveItems] for items of any dtype, and [WriteRaw] and [SaveRaw] write
// the bare bytes, as tofile does. Save writes a temporary file in the same
// directory and renames it into place, so a failed save leaves no partial
// file under the target's name. Read allocates only as the data arrives.
// [WriteMember] and [WriteMemberItems] add arrays to an .npz archive being
// written by a [header.NPZWriter], stored or deflated, streamed in pieces of
// bounded size; stored members written with [header.NPZOptions].Align set
// map with typed, zero-copy access through [OpenMember].
//
// # Lifetime
//
// A reachable view keeps its file mapped, even if the [File] or [Array] it
// came from is no longer referenced. [File.Close] unmaps at once; after it,
// reading through any view of the file panics with an error wrapping
// [ErrClosed] instead of touching unmapped memory. Slices from
// [View.Contiguous], [Items.Bytes] and [Overlay] alias the mapping and do not
// keep it alive.
//
// If the file shrinks under the mapping (another process truncates it),
// touching the lost pages is a fault; code run inside [File.Guard] gets an
// error wrapping [mmap.ErrFault] instead of a crash.
//
// # Errors
//
// Bad files give errors naming the file and the problem: a header that is
// not valid, a dtype that does not match the Go type ([ErrType]), data
// shorter than the header says. Caller bugs — an index out of range, the
// wrong number of indices — panic with a message naming the values, as
// slice indexing does.
package array
