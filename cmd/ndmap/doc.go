// Command ndmap inspects, prints, summarises and converts NumPy .npy files,
// .npz archives and raw binary files from the shell, reading them through
// memory maps so that files far bigger than RAM are handled at once.
//
// Usage:
//
//	ndmap info [raw flags] FILE...
//	ndmap show [--json] [raw flags] TARGET
//	ndmap stats [--axis N] [--workers N] [--json] [raw flags] TARGET
//	ndmap convert [--compress] [raw flags] IN OUT
//
// Flags may come before or after the other arguments; a lone "--" ends
// them. Every command takes --max-header-len N to read .npy headers longer
// than NumPy's limit of 10,000 characters, as np.load's max_header_size does.
//
// # Targets
//
// A TARGET names an array and, optionally, part of it:
//
//	frames.npy                  the whole array
//	frames.npy[2]               frame 2
//	frames.npy[-1, 1:3, ::-1]   NumPy's basic indexing: integers, slices, ...
//	db.npy['time']              one field of a record array
//	db.npy['value'][::-1]       bracket groups apply in turn, as in NumPy
//	n.npy['meta']['a']          a field of a nested record
//	archive.npz:x[0]            a member of an .npz archive ("x" or "x.npy")
//
// Quote targets in the shell. A file whose name ends in .npz is read as an
// archive and one ending in .npy as a .npy file; other names are told apart
// by their first bytes.
//
// # Raw files
//
// Files without a .npy header are described with flags, as np.memmap and
// np.fromfile describe them:
//
//	--dtype '<f8'                   the items: a NumPy type string, a descr
//	                                list, or records as 'name:S12,time:<i8'
//	--shape 100,-1                  one -1 is taken from the file's size;
//	                                without --shape, 1-d over the rest of the file
//	--offset 128                    where the data starts
//	--fortran                       the data is column-major
//	--header-record 'rows:<i4,cols:<i4'
//	                                the file starts with this record, whose fields
//	                                give the axes in order; --dtype gives the data,
//	                                and --offset, if set, where it starts
//
// # info
//
// info prints, for each FILE, the format and version and for each array
// (each member of an archive) NumPy's descr, a readable dtype, the shape,
// the order (C or Fortran), the offset of the data (in the file; for a
// deflated member, in the inflated member) and its size in bytes. A FILE
// may be archive.npz:member.
//
// # show
//
// show prints the array as NumPy's print does with its default options:
// numbers of an array share one format, lines wrap at 75 columns, and
// arrays of more than 1000 items are summarised with "..." keeping 3 items
// at each end of every axis. A first line gives the target, dtype and
// shape. Without a member, show prints every array of an archive.
//
// show --json prints exactly one JSON object, {"dtype": "<f4", "shape":
// [4, 3], "data": [[...], ...]}: dtype is NumPy's descr (a type string, or
// the descr list of a record as Python writes it), and data nests arrays as
// the shape does, a bare value for a 0-d array. Items are written as:
//
//   - bool: true or false;
//   - integers: JSON numbers, exact for all of uint64 and int64;
//   - floats: the shortest text that reads back as the same value at the
//     item's own precision (float16 and float32 at float32's, float64 at
//     float64's) — always a valid JSON number, such as 3, 0.1 or 1e+06;
//     NaN and the infinities are the strings "nan", "inf" and "-inf";
//   - complex: [re, im] of such floats;
//   - S (bytes): a string, each byte read as latin1, trailing NULs dropped;
//   - U: a string, trailing NULs dropped;
//   - datetime64 and timedelta64: their int64 counts of the dtype's unit
//     (NaT is -9223372036854775808);
//   - V (void): the bytes as a lower-case hex string;
//   - records: an object keyed by field name in field order, sub-array
//     fields as nested arrays, nested records as objects.
//
// # stats
//
// stats prints count, min, max, mean and standard deviation of the whole
// array, or with --axis N one row per index of that axis (per channel of a
// (samples, channels) array with --axis 1; negative N counts from the end).
// Items of any bool, integer or float dtype are summarised in float64; for
// records, select a field. The array is read in chunks by --workers
// goroutines (default: one per CPU), with the same result whatever their
// number, and each chunk's pages are let go once read, so memory stays
// bounded whatever its size.
//
// NaNs are counted in their own column and left out of everything else, as
// NumPy's nanmin, nanmax, nanmean and nanstd leave them out; count is the
// number of values that are not NaN. Infinities are values: they can be the
// min or max, make the mean infinite (NaN when both signs occur) and the
// standard deviation NaN, as in NumPy. The standard deviation is the
// population one (ddof=0, NumPy's default). With no values, the statistics
// are "-" (null in JSON). stats --json prints {"dtype", "shape", "count",
// "nan", "min", "max", "mean", "std"}, or with --axis {"dtype", "shape",
// "axis", "stats": [...]} with one such object per index.
//
// # convert
//
// convert writes IN in the kind OUT names: a .npy file, an .npz archive
// (stored members, or deflated with --compress), or a folder of .npy files
// when OUT ends in "/". IN is a .npy file (its member in an archive is
// named after the file), an .npz archive (every array member; members that
// are not arrays are skipped), archive.npz:member, or a raw file described
// by the raw flags. Data bytes are copied unchanged — same dtype, byte
// order and memory order — behind headers written as NumPy writes them, a
// megabyte at a time; members read from an archive have their checksums
// verified. Output is written to a temporary file beside OUT and renamed
// into place, so a failure leaves no partial file.
//
// # Progress
//
// stats and convert draw a progress bar on standard error when it is a
// terminal and the work has taken more than a second.
//
// # Exit status
//
// 0 on success; 1 for bad input — a file that cannot be read or is not
// what it claims, an index out of range, a missing field — with one line on
// standard error naming the file and the problem; 2 for a wrong command
// line, with a short usage text on standard error.
package main
