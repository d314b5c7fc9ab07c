// Package header finds where array data starts in a file and what it is:
// the dtype, shape and order of the array, and the offset of its first
// byte.
//
// # Files
//
// [Read] (and [NPY] with its own limits) reads the header of a NumPy .npy
// file, versions 1.0, 2.0 and 3.0. [Encode] and [Write] write headers byte
// for byte as NumPy 1.24 and later do, so a file written with this package
// and one written by np.save for the same array start identically;
// [EncodeSize] writes one of a given length, to rewrite a header in place.
//
// [ReadArchive] lists the members of an .npz archive (a zip of .npy files,
// stored or deflated) with the header of each; a stored member's data can
// be mapped in place at its [Member.DataOffset], and [Member.Open] reads
// any member's bytes, checking its CRC-32.
//
// # Archives
//
// An archive is read as np.load reads it, one member at a time: a member
// that cannot be read — an object array, a long double, a header longer
// than the cap, a member damaged, encrypted or compressed by a method
// other than store and deflate — is listed with [Member.Err] saying why,
// and the other members read as usual. Only an archive whose zip
// directory cannot be read is an error of [ReadArchive]. Where a name
// occurs twice, the last file of that name is the member, as it is for
// Python's zipfile and so for np.load. Member names may contain slashes
// ("dir/x.npy", the key "dir/x"), as np.savez writes them.
//
// # Checksums
//
// Mapping a stored member must not read it, so its CRC-32 is not checked
// when it is mapped: [Member.VerifyBytes] checks a mapped member on
// request, at the speed of the processor's CRC instructions, and
// [Member.Verify] reads a member to check it. Every sequential read of a
// member's bytes — [Member.Open] read to the end, which inflating a
// member into memory does — checks the CRC-32 against the archive's
// central directory, as Python's zipfile does for np.load (a CRC of zero
// included, which archive/zip would skip), and fails with an error
// wrapping [ErrChecksum] on a mismatch.
//
// [DescribeFile] and [OpenArchive] take a path instead of an open file:
// they open it, find its size, and put its name in their errors.
//
// [NPZWriter] writes .npz archives as np.savez (stored members) and
// np.savez_compressed (deflated members) do, streaming each array's data so
// that arrays larger than memory can be written, with zip64 records where
// sizes need them. [NPZOptions.Align] pads the .npy header of stored
// members so that their data starts at an aligned offset in the archive,
// where it can be mapped and read in place with typed access; NumPy and
// Python's zipfile read such archives as any other.
//
// [Raw] describes a headerless file the way np.memmap does, from an offset,
// a dtype and a shape in which one dimension may be left to the file's
// size. [Record] describes a raw file whose first bytes are a small record
// giving the shape, such as (rows int32, cols int32).
//
// [NPY], [Raw] and [Record] are [Describer]s: given an [io.ReaderAt] and
// the file's size they return a [*Header]. [Raw.Validate] and
// [Record.Validate] check a description before any file is read.
//
// # Formats
//
// Files of other formats whose array is raw data at an offset that a small
// header describes (MRC, NIfTI, FITS and others) are described by
// subpackages of this one, one per format. Each registers a [Format] with
// [RegisterFormat] in its init function, as image/png does with the image
// package; [Sniff] then chooses a file's format by its leading bytes, or by
// its name when no format claims the content, and [LookupFormat] finds one
// by name for a caller who knows it. The .npy format is always registered.
//
// # Conformance
//
// Headers are read as NumPy 1.24's np.load reads them: a file NumPy
// refuses is refused, with an error that says what is wrong and where.
// Among the less obvious rules: the Python 2 'L' suffix on integers is
// read in version 1.0 and 2.0 headers only, as NumPy's _filter_header
// reads it; integers may be written in hexadecimal, octal or binary, with
// underscores, and the header may carry comments, as ast.literal_eval
// allows; 'M' is the generic datetime64 but 'M[us]' is no type; a byte
// order may precede a type code but not a name other than datetime64 and
// timedelta64. The test table numpyRules in rules_test.go lists every rule
// with a file for it, and what ndmap does; the few files NumPy reads that
// ndmap refuses (a negative dimension, a zero unit multiplier, a tuple as
// the descr, a title that is empty or not text) are listed there with the
// reason, and none is written by NumPy.
//
// # Errors
//
// Malformed input gives a [*FormatError] carrying the byte offset where the
// problem was found, and the file's path when a path was given; it unwraps
// to [ErrFormat]. A well-formed header whose dtype cannot be mapped (an
// object array, a long double) gives an error wrapping the layout
// package's ErrUnsupported. A [Raw] or [Record] that describes no file
// gives an error wrapping [ErrDescription] that names the field at fault.
// I/O errors are returned wrapped, with their cause (an [*fs.PathError]
// for a file opened by path). Every message starts "header: " once,
// whatever package found the problem underneath.
//
// # Security
//
// Every byte of the file is untrusted. The header length is compared with
// a cap ([DefaultMaxHeaderLen] characters, NumPy's own, unless
// [NPY.MaxHeaderLen] raises it) before anything is allocated for it, and
// with the file's size before it is read; the header text is parsed by a
// literal reader that evaluates nothing and bounds its nesting. Every
// dimension is checked to be non-negative and to fit in an int, and the
// item count and byte size are computed with overflow checks; the bytes the
// shape needs are then compared with the file's size, so a header that
// promises more data than the file holds is an error before anything is
// mapped. Object arrays, whose data is a pickle, are refused. For .npz
// archives the zip directory, the local headers and the member sizes are
// checked against the archive's size, and deflated members are inflated
// only as far as their header; a member that inflates to more bytes than
// the directory says is an error. Data is not checksummed when it is
// mapped in place (see Checksums above); [Member.Open] verifies the CRC-32
// of what it reads.
//
// What is trusted is what the caller passes: the size given with the
// [io.ReaderAt]. Descriptions in [Raw] and [Record] are checked too, with
// errors rather than panics, since they may come from input such as a
// command line.
//
// # Concurrency
//
// Headers, descriptions and archive listings are values that nothing here
// modifies once returned, and may be used from any number of goroutines.
// The readers of an [Archive]'s members are each for one goroutine; an
// [Archive] may be closed once no member is being read. An [NPZWriter]
// is for one goroutine at a time.
package header
