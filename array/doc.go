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
// [OpenArchive] reads the listing of an .npz archive once, as np.load does;
// its arrays then open by key with [OpenMember], and [LoadMember] reads one
// into memory. [OpenRaw] opens a file without a .npy header, as np.memmap
// does, given a [header.Raw] (data at a fixed offset) or a [header.Record]
// (a record at the start of the file gives the shape); the dtype comes from
// the Go type.
//
// # Names
//
// Every constructor is named for what it does, and comes in two forms. The
// generic one returns an [Array] of a Go element type T, whose dtype is
// checked against T when the file exists and is T's own when the file is
// made. The one ending in File returns an untyped [File] of any dtype —
// records, strings, datetimes — whose items have typed views through [As]
// and [Field].
//
//	                    typed          untyped
//	.npy file           Open[T]        OpenFile
//	                    Create[T]      CreateFile
//	raw file            OpenRaw[T]     OpenRawFile      header.Raw or header.Record
//	                    CreateRaw[T]   CreateRawFile
//	.npz member         OpenMember[T]  OpenMemberFile   of an Archive from OpenArchive
//
// Open maps a file that exists, Create makes one. Each takes the path (or
// the [Archive]) first, then the mode when it opens, then what it needs, and
// [Option]s last; every constructor takes the same options. Whole arrays in
// memory go through [Load], [LoadMember] and [Read] one way, and [Save],
// [SaveRaw], [SaveArchive] and [Write] the other, as np.load, np.save,
// tofile, np.savez and np.savez_compressed do.
//
// # Modes
//
// A file opened [mmap.ReadOnly] cannot be written through its views:
// [View.Set] and the other writing methods return [ErrReadOnly]. Opened
// [mmap.ReadWrite], writes reach the file ([View.Flush] waits until they are
// on the device) and other processes mapping it; opened [mmap.CopyOnWrite],
// writes stay private to the process.
//
// # Views
//
// A [View] has a shape and strides in bytes, like a NumPy array. [View.Index]
// drops the first axis; [View.Slice] takes one [Sel] per axis, as NumPy's
// basic indexing does (a[:, 7] is Slice(All, Idx(7)), a[::-1] is
// Slice(All.By(-1))); [View.T], [View.Permute] and [View.Reshape] rearrange
// axes. None of them copies data. fmt prints a view as NumPy's repr
// summarises an array: a few elements, the dtype and the shape.
//
// Elements are read in place when the file's byte order is the machine's and
// they are aligned for the Go type. Otherwise — a big-endian file, a stored
// .npz member at an odd offset, a field of a packed record — they are copied
// and swapped, which is slower but exact. [View.Contiguous] gives the
// elements as a []T over the mapping when the layout allows it and says why
// not when it does not; [View.Strided] gives the []T, offset and strides in
// elements of any native, aligned view, the form gonum's blas64.General and
// other numeric code take; [View.CopyTo] gathers any view into a slice
// without allocating.
//
// # Reading fast
//
// [View.CopyTo] and [View.Values] walk a view a row at a time, where a row
// runs over every trailing axis that continues the one after it: a frame
// of a C-ordered file is one copy, and a column is read through a []T with
// a step. [View.At] checks its indices on every call and is meant for
// scattered reads, not for loops over many elements; [View.At1],
// [View.At2] and [View.At3] make the same checks for one, two or three
// indices two to five times faster, for code that must index element by
// element.
// [View.Contiguous] gives the elements as a plain slice when the layout
// allows, and [View.Strided] as a slice with steps.
//
// The operating system reads a mapped file as the program faults on its
// pages, guessing what to read ahead. For random frames of a large file,
// call [View.Advise] with [mmap.WillNeed] on each frame before reading it:
// its pages are then read in one batch, as fast as pread, and no more than
// the frame is brought in — with the default advice, a cold page fault can
// read several megabytes around it. [mmap.Sequential] on the whole array
// suits a single pass over it.
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
// them when only the process dies, those before the last [View.Flush] when
// the machine stops. [CreateRaw] makes a headerless file as np.memmap does,
// or one whose leading record gives the shape.
//
// A file bigger than memory is written in bounded memory a block at a time:
// fill a block of rows through its view, [View.Flush] it, then
// [View.Advise] it with [mmap.DontNeed] so that its pages leave the
// process's memory (they are on the device, and the kernel may drop them
// from its cache too). The process then holds about one block, whatever
// the size of the file: under 40 MiB for a 4 GiB file written in blocks of
// 16 MiB, where a plain fill grows to the whole file. Without the Flush the
// process stays as small and the fill runs faster, the kernel writing the
// blocks back in its own time within its limits on dirty pages; with it,
// each block is on the device before the next begins:
//
//	a, err := array.Create[float32]("big.npy", []int{rows, cols})
//	for i := 0; i < rows; i += block {
//		part := a.Slice(array.Range(i, min(i+block, rows)))
//		part.CopyFrom(next(block)) // or Set, Fill, a []T from Contiguous
//		part.Flush()
//		part.Advise(mmap.DontNeed)
//	}
//	err = a.Close()
//
// An [Appender] adds rows along the first axis of an existing .npy file
// without rewriting it: the rows are written after the data, then the
// header is rewritten in place with the new shape, in one write, using the
// spare spaces NumPy leaves in it. A process killed at any moment leaves a
// file that NumPy loads, with every row whose [Append] returned. A header
// with no room for the new shape gives [ErrHeaderFull].
//
// [Save] writes any view — a [View] or [Items], strided or not — to a .npy
// file as np.save does, keeping its dtype; [SaveRaw] writes the bare items
// as tofile does, and [SaveArchive] several named views as an .npz archive,
// stored or, with [Compress], deflated. Each writes a temporary file in the
// same directory and renames it into place, so a failed save leaves no
// partial file under the target's name. Stored members are aligned so that
// [OpenMember] maps them with typed, zero-copy access. [Write] and [Read]
// write and read .npy streams; Read allocates only as the data arrives.
//
// # Lifetime and concurrency
//
// A reachable view keeps its file mapped, even if the [File] or [Array] it
// came from is no longer referenced. [File.Close] unmaps at once; after it,
// reading through any view of the file panics with an error wrapping
// [ErrClosed] instead of touching unmapped memory. Slices from
// [View.Contiguous], [View.Strided], [Items.Bytes] and [Overlay] alias the
// mapping and do not keep it alive. A member opened from an [Archive]
// stays open after the archive is closed.
//
// A View (or Items) may be read from several goroutines at once, and
// written where they write different elements, as a slice may. A File's
// Close must not run while other goroutines use views of the file, except
// code inside [File.Guard], which Close waits for. An Archive's methods and
// the functions that open its members may run concurrently, Close
// included; after Close they return an error wrapping [ErrClosed]. An
// [Appender] is for one goroutine at a time.
//
// If the file shrinks under the mapping (another process truncates it),
// touching the lost pages is a fault; code run inside [File.Guard] gets an
// error wrapping [mmap.ErrFault] instead of a crash.
//
// # Errors
//
// Bad files give errors naming the file and the problem, and saying what to
// do where there is something to do: an .npz archive opened as a .npy file
// names its keys and [OpenArchive]; a key that is not in an archive lists
// the keys there are and matches fs.ErrNotExist; a raw description that
// cannot be right names the field, where [header.Raw] would panic. Errors
// this package makes start with "array:"; an error from the system or from
// another package of this module keeps its own prefix and is wrapped, with
// the file it concerns, in an *fs.PathError, as the os package does
// ("open frames.npy: header: bad magic number at byte 0"). Sentinels
// ([ErrType] for a dtype that does not match the Go type, [header.ErrFormat]
// for a malformed file, [mmap.ErrFault]) are matched with errors.Is. Caller
// bugs — an index out of range, the wrong number of indices — panic with a
// message naming the values, as slice indexing does.
package array
