// Package array gives typed, zero-copy, strided views of arrays in files:
// .npy files, members of .npz archives, raw files described by a
// [header.Describer], and the files of formats whose header describes raw
// data — MRC, NIfTI, FITS, TIFF stacks, ENVI, SpikeGLX and WAV. A file is
// mapped into memory and only the pages a program touches are read, so
// files far bigger than RAM open at once, and several processes reading one
// file share its pages.
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
// into memory. As with np.load, a member that cannot be read (an object
// array, say) fails alone when it is opened, and the others open. Reading
// a member's bytes in full — [LoadMember], or opening a deflated member —
// checks its CRC-32; a stored member mapped in place is not read, so its
// checksum is checked only with the option [VerifyChecksum]. [OpenRaw] opens a file without a .npy header, as np.memmap
// does, given a [header.Raw] (data at a fixed offset) or a [header.Record]
// (a record at the start of the file gives the shape); the dtype comes from
// the Go type. Open and OpenFile read the other formats too, chosen by the
// file's first bytes or its name (see Formats).
//
// Files are regular files or block devices (a disk or a loop device, mapped
// to its end as np.memmap maps it). A path that names anything else — a
// named pipe, whose open would wait for some process to write to it, a
// socket, a character device, a directory — is refused before it is read,
// with an *fs.PathError that matches fs.ErrInvalid.
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
//	                    typed            untyped
//	.npy file           Open[T]          OpenFile          or a file of any registered format
//	                    Create[T]        CreateFile        or, with Format, of the format it names
//	format file         CreateFormat[T]  CreateFormatFile  a format's header: *mrc.Header, ...
//	raw file            OpenRaw[T]       OpenRawFile       header.Raw, header.Record, a format's Describer
//	                    CreateRaw[T]     CreateRawFile     header.Raw or header.Record
//	.npz member         OpenMember[T]    OpenMemberFile    of an Archive from OpenArchive
//
// Open maps a file that exists, Create makes one. Each takes the path (or
// the [Archive]) first, then the mode when it opens, then what it needs, and
// [Option]s last; every constructor takes the same options. Whole arrays in
// memory go through [Load], [LoadMember] and [Read] one way, and [Save],
// [SaveRaw], [SaveArchive] and [Write] the other, as np.load, np.save,
// tofile, np.savez and np.savez_compressed do.
//
// # Formats
//
// Besides .npy files, [Open] and [OpenFile] read the formats that the
// subpackages of header describe: MRC and MRCS files ([mrc]), NIfTI-1 and
// NIfTI-2 .nii files and .hdr/.img pairs ([nifti]), FITS images ([fits]),
// uncompressed TIFF stacks ([github.com/ndmap/ndmap/header/tiff]), ENVI
// rasters ([envi]), SpikeGLX recordings
// ([github.com/ndmap/ndmap/header/spikeglx]) and WAV files ([wav]).
// Importing array registers them all with [header.RegisterFormat], so no
// import for their side effects is needed; a format a program registers
// itself opens the same way. A file whose first bytes are NumPy's magic
// opens as .npy — that is checked first, so .npy files open as fast as
// before — and any other in the format that claims its first bytes or,
// failing that, its name, as image.Decode chooses; the [Format] option
// names the format instead, and [File.Format] says which it was. A format
// whose header is a file of its own — ENVI's .hdr, SpikeGLX's .meta, the
// .hdr of a NIfTI pair — opens by the data file's path. A format's
// Describer with choices of its own (a FITS extension by name, 24-bit WAV
// samples as bytes) goes to [OpenRaw].
//
// The view is the array as the format's reference reader presents it —
// MRC as mrcfile's (nz, ny, nx), NIfTI in nibabel's axes in Fortran order,
// FITS as astropy's (NAXISn, ..., NAXIS1), WAV as scipy's (frames,
// channels), SpikeGLX as (samples, channels), ENVI in its interleave's
// order — holding the stored values in the file's byte order, mapped in
// place. The format's metadata (voxel size, WCS cards, sample rate, channel
// names and gains, band wavelengths) comes from its package's ReadFile:
// [mrc.ReadFile], [nifti.ReadFile], [fits.ReadFile], tiff.ReadFile,
// [envi.ReadFile] of the .hdr, spikeglx.ReadFile of the .meta and
// [wav.ReadFile].
//
// Stored numbers that stand for scaled values — FITS BSCALE and BZERO,
// NIfTI scl_slope and scl_inter, SpikeGLX gains — are read as floats by
// [CopyScaled], given the [header.Scale] the metadata holds, or by
// [CopyScaledColumns] with one per channel; the view keeps the stored
// values:
//
//	a, err := array.Open[int16]("scan.nii", mmap.ReadOnly)
//	h, _, err := nifti.ReadFile("scan.nii")
//	voxels := make([]float64, a.Size())
//	array.CopyScaled(voxels, a.View, h.Scale) // nibabel's get_fdata()
//
// [CreateFormat] makes an MRC, NIfTI-1, FITS, ENVI or WAV file (RF64 past 4
// GiB) from a header that the format's New function makes and the caller
// fills with metadata; [Create] with [Format] makes one with the metadata
// New gives. Such files are written as .npy files are (see Writing). Close
// writes an MRC file's statistics, which costs one more pass over the
// data; [SkipStats] leaves them unknown. TIFF and SpikeGLX files are read
// only.
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
// scattered reads, not for loops over many elements. For code that must
// index element by element, [View.At1] and [View.At2] are inlined by the
// compiler and cost little more than an index expression, and [View.At3]
// is a call two to five times faster than At; they check the indices, the
// number of axes and that the file is open, as At does, and read elements
// in place, so they need elements in the machine's byte order, aligned
// and not bools (when [View.Strided] succeeds), and panic on any other
// view.
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
// The recommended way to produce a file, and the one for a file bigger
// than memory, is to fill it in order a block at a time with
// [WriteValues] (or [File.WriteAt] for bytes), which writes through the
// file rather than the mapping: it runs at the speed of plain buffered
// writes, where a first write through a view costs a page fault and a
// zeroed page per page, and takes 1.5 to 2.5 times as long
// (bench/RESULTS.md), and
// the process holds no more than the block it fills, since the pages
// written are the system's cache, not the process's mapping, and the
// kernel writes them back in its own time. With [Preallocate] the space is
// reserved first, so a device too small for the file is an error from
// Create, and the fill is faster still on file systems that allocate as
// they write back. Views stay usable throughout, for values written out
// of order:
//
//	a, err := array.Create[float32]("big.npy", []int{rows, cols}, array.Preallocate())
//	for i := 0; i < rows*cols; i += len(block) {
//		next(block)                           // the next values, in C order
//		err = array.WriteValues(a, i, block)
//	}
//	err = a.Close()                           // returns once all is on the device
//
// A file filled through its views instead is kept in bounded memory by
// flushing each block of rows with [View.Flush] and dropping it with
// [View.Advise] and [mmap.DontNeed]: the process then holds about one
// block, where a plain fill through views grows to the whole file.
//
// An [Appender] adds rows along the first axis of an existing .npy file
// without rewriting it: the rows are written after the data, then the
// header is rewritten in place with the new shape, writing only the bytes
// that change, using the spare spaces NumPy leaves in it. A process killed
// at any moment leaves a file that NumPy loads, with every row whose
// [Append] returned. By default each append syncs its rows (fdatasync)
// before the header counts them, one sync per append, so that after a
// machine stops the file never counts rows that are not on the device;
// [Appender.SetGroupCommit] syncs every n appends or every so often
// instead, and [Appender] states what survives with each setting. A header
// with no room for the new shape gives [ErrHeaderFull].
//
// [Save] writes any view — a [View] or [Items], strided or not — to a .npy
// file as np.save does, keeping its dtype; [SaveRaw] writes the bare items
// as tofile does, and [SaveArchive] several named views as an .npz archive,
// stored or, with [Compress], deflated; [SaveFunc] writes anything through
// a function. Each writes the file apart from its name and gives it the name
// once it is complete and on the device, so a save that fails or is killed
// leaves no partial file under the target's name — on Linux, where the file
// is written unnamed (O_TMPFILE), no file at all; elsewhere, after a kill,
// one named "."+name+".tmp" and random letters. The Create functions make
// their file the same way, naming it once its header is written and its
// size set. Like np.save, which writes in place, they keep the mode of the
// file they replace, write through a symbolic link to the file it names,
// give a new file 0666 less the umask, and refuse a path that names a
// directory, a named pipe or a device. Stored members are aligned so that
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
// code inside [File.Guard], which Close waits for: a read racing Close may
// touch memory no longer mapped, a segmentation fault that ends the program
// rather than a panic. [File.WriteAt] and [WriteValues] follow the same
// rules as writes through views. An Archive's methods and
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
