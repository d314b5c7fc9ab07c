// Command ndmap inspects, prints, summarises and converts arrays in files
// from the shell — NumPy .npy files and .npz archives, raw binary files,
// the files of other formats whose array is raw data behind a header (MRC,
// NIfTI, FITS, TIFF stacks, ENVI, SpikeGLX, WAV), folders of files read as
// one array, and Zarr v2 stores — reading them through memory maps so that
// files far bigger than RAM are handled at once. It also writes reference
// files through which zarr and Dask read those files in place.
//
// Usage:
//
//	ndmap info [--verify] [raw flags] FILE...
//	ndmap show [--json [--max-elements N]] [--scaled] [raw flags] TARGET
//	ndmap stats [--axis N] [--workers N] [--json] [--scaled] [raw flags] TARGET
//	ndmap convert [--compress] [--to FORMAT] [--rate N] [raw flags] IN OUT
//	ndmap verify FILE...
//	ndmap refs [--chunk-rows N] [raw flags] FILE|FOLDER|PATTERN
//
// Flags may come before or after the other arguments; a lone "--" ends
// them. Every command takes --max-header-len N to read .npy headers longer
// than NumPy's limit of 10,000 characters, as np.load's max_header_size does,
// and every command but verify takes --format NAME (below).
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
//	stack.mrcs[10]              a file of another format
//	sky.fits:SCI, sky.fits:2    an HDU of a FITS file, by EXTNAME (NAME,VER
//	                            for an EXTVER) or index
//	segments/[100:200]          a folder of files as one array: a shard set
//	'run/x_*.npy'[-1]           the files a pattern matches, as one array
//	store.zarr[0, :5]           a Zarr v2 array
//	store.zarr/sub/y            an array of a Zarr group
//
// Quote targets in the shell. A FILE of info may be any of these but
// takes no index.
//
// # Telling targets apart
//
// A file whose name ends in .npz is read as an archive and one ending in
// .npy as a .npy file. Other files are told apart by their first bytes —
// a zip's, a .npy header's, or the magic of a registered format (MRC's
// "MAP " at byte 208, NIfTI's sizeof_hdr, FITS's SIMPLE card, RIFF/RF64,
// TIFF's byte-order mark) — then by a sidecar beside them (the .hdr of an
// ENVI image or of a NIfTI .img, the .meta of a SpikeGLX .bin), then by
// their extension. --format NAME (npy, npz, mrc, nifti, fits, wav, tiff,
// envi, spikeglx) names the format instead, and a file that is not in it is
// refused; it does not combine with the raw flags.
//
// A folder is a Zarr array if it holds .zarray and a Zarr group if it holds
// .zgroup. Any other folder is a shard set: its files of a registered
// format (by extension; with raw flags, all its files), names starting
// with a dot left out, in natural order (x_9 before x_10), each holding an
// array of one dtype and trailing shape, seen as one array along the first
// axis; so is a name that is not a file and holds a pattern's *, ? or [.
// A folder of arrays that do not match — one written by convert from an
// .npz archive, say — is not a set: info describes its files one by one,
// and the other commands ask for one of them by name. The files of a set
// are read as their own first bytes say, and --format is refused for them;
// raw flags describe every file (give --shape a -1 first, so that
// each file's size gives its length). Only a bounded number of a set's
// files are open at once, so a folder of many thousands works.
//
// A shard set takes index brackets and, for records, field brackets; a
// Zarr array takes index brackets. Their items are read into memory a
// selection at a time: show reads only what it prints, convert a slab of
// rows at a time, and stats the whole set or array in place (see stats).
//
// Inputs are regular files, or block devices (a disk image on a loop
// device, read as a raw file to its end). Anything else — a named pipe, a
// socket, a character device such as /dev/zero, a directory — is refused
// with exit 1 before it is read, since a pipe would keep ndmap waiting for
// a writer and a device would never end.
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
// For a file of another format it adds the metadata of the format's header
// that says what the numbers are: for MRC the mode, byte order, voxel size,
// origin, cell, axes, space group, statistics, extended header and labels;
// for NIfTI the version, datatype, voxel sizes and units, scl_slope and
// scl_inter, qform and sform, intent, description and extensions (and for
// a .hdr/.img pair, the header's file); for FITS every HDU, the one read
// marked, with its BSCALE, BZERO, BLANK and World Coordinate System cards;
// for WAV the container, sample format, channels, sample rate, bits,
// channel mask, frames and duration, and the chunks before the data; for
// TIFF the kind of series, axes, pages, resolution and ImageJ metadata;
// for ENVI the samples, lines, bands, interleave, header offset, band
// names, wavelengths and gains; for SpikeGLX the stream, sample rate and
// each channel's name, gain and volts per count.
//
// For a shard set it prints the dtype, the shape of the whole and each
// file with the rows it holds (the first and last few of a long set); for
// a Zarr array the dtype, shape, chunks, order, compressor, fill value and
// attributes; for a Zarr group its attributes and every array in it.
//
// Every member of an archive is listed, as np.load reads each alone: one
// that ndmap cannot read is listed with the reason — refused (an object
// array, a long double, a header longer than --max-header-len allows, an
// encrypted member or a compression other than store and deflate) or
// damaged (a malformed header, a member past the end of the archive). Of
// members that share a name only the last is listed, the one np.load
// reads. info exits 0 when the archive itself is sound, refused members
// and all, and 1 when a member is damaged, after the whole listing.
//
// info --verify also reads every member of an archive to its end and
// compares its size and CRC-32 with the archive's, a line "crc32" per
// member, and exits 1 if one is wrong.
//
// # verify
//
// verify checks each FILE and prints one line for it and one per member
// of an archive: every member is read to its end and its CRC-32 checked,
// as np.load checks it; a .npy file, or a file of another format, which
// has no checksum, has its header read and the size of its data checked. It exits 1 if a checksum is
// wrong or a member damaged, 0 otherwise (refused members are noted).
//
// # show
//
// show prints the array as NumPy's print does with its default options:
// numbers of an array share one format, lines wrap at 75 columns, and
// arrays of more than 1000 items are summarised with "..." keeping 3 items
// at each end of every axis, whatever the size of an item (an array of 2^62
// items of zero bytes prints at once). A sub-array field of more than 1000
// elements is summarised the same way, where NumPy 1.24 prints it whole, so
// that the output stays bounded. A first line gives the target, dtype and
// shape. Without a member, show prints every array of an archive.
//
// show --scaled (and stats --scaled) reads the values the stored numbers
// stand for, as float64: FITS data through BSCALE and BZERO (which also
// turns the signed storage of unsigned integers back into them, as astropy
// does), NIfTI data through scl_slope and scl_inter (as nibabel's
// get_fdata), SpikeGLX samples into volts through each channel's gain, and
// ENVI images through each band's "data gain values" and "data offset
// values" (or divided by the "reflectance scale factor"). A file whose
// format stores no scale is refused. Without --scaled every command reads
// the stored numbers, mapped in place.
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
//   - U: a string, trailing NULs dropped; a lone surrogate, which a NumPy
//     str can hold, as the JSON escape of that code point ("\ud805"), as
//     Python's json module writes it (show prints it as NumPy prints it,
//     '\ud805');
//   - datetime64 and timedelta64: their int64 counts of the dtype's unit
//     (NaT is -9223372036854775808);
//   - V (void): the bytes as a lower-case hex string;
//   - records: an object keyed by field name in field order, sub-array
//     fields as nested arrays, nested records as objects.
//
// JSON is never summarised, so show --json prints at most a million
// elements (an item, or for records each value of each field, sub-arrays
// element by element) unless --max-elements N allows more (0: no limit).
// A larger array, or part of one, exits 1 saying how many elements it has
// and how to ask for them; index a part of it to print that.
//
// # stats
//
// stats prints count, min, max, mean and standard deviation of the whole
// array, or with --axis N one row per index of that axis (per channel of a
// (samples, channels) array with --axis 1; negative N counts from the end).
// Items of any bool, integer or float dtype are summarised in float64; for
// records, select a field. With --scaled the statistics are those of the
// values through the format's scale (see show). The array is read in
// chunks by --workers goroutines (default: one per CPU), with the same
// result whatever their number, and each chunk's pages are let go once
// read, so memory stays bounded whatever its size. A whole shard set or
// Zarr array is read the same way, each file or chunk in place where it
// is not compressed; a selection of one, or scaled values, are read a slab
// at a time into memory, by as many goroutines.
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
// (stored members, or deflated with --compress), a folder of .npy files
// when OUT ends in "/", or the bare data bytes when OUT ends in .raw, .bin
// or .dat (convert then prints the raw flags that read it back). IN is a
// .npy file (its member in an archive is named after the file), an .npz
// archive (every array member; members that are not arrays are skipped),
// archive.npz:member, a raw file described by the raw flags, a file of
// another format (file.fits:HDU for an HDU), a shard set (one array,
// named after the folder) or a Zarr array. Data bytes are copied
// unchanged — same dtype, byte order and memory order — behind headers
// written as NumPy writes them, a megabyte at a time; members read from an
// archive have their checksums verified, and a wrong one fails the
// conversion. A shard set or a Zarr array is written in C order, a slab of
// rows at a time. Each output file is written apart from its name and named
// only once it is complete and on the disk (as array.SaveFunc writes), so a
// failure or a kill leaves no partial file: on Linux nothing at all, as the
// file is written unnamed. Its space is reserved first where the file
// system can, so a disk too full for it stops convert before it writes. A
// new file gets 0666 less the umask, a replaced one keeps its mode, and an
// OUT that is a symbolic link writes the file it names.
//
// OUT can also be a file of another format, named by its extension: an
// MRC file (.mrc, .mrcs; a 2-d image, 3-d volume or 4-d volume stack, with
// the statistics DMIN, DMAX, DMEAN and RMS computed from the data as
// mrcfile writes them, which reads IN twice), a NIfTI-1 file (.nii, or
// .img with its header written beside it as .hdr), a FITS primary HDU
// (.fits, .fit) or a WAV file (.wav; --rate N gives its sample rate in
// frames a second and is required; shape (frames,) or (frames, channels)).
// ENVI data files have no extension of their own, so --to envi asks for
// one: OUT is the data file (file.img, file.dat, or no extension) and its
// header is written beside it, OUT's extension replaced by .hdr; the image
// is in BSQ interleave, shape (bands, lines, samples), a 2-d array being
// one band. --to names OUT's kind whatever its name for the others too
// (npy, npz, raw, mrc, nifti, fits, envi, wav). The data bytes are copied
// unchanged where the format holds IN's dtype and byte order; FITS, always
// big-endian, gets the same values with their bytes reversed. A dtype the
// format has no type for (int64 or uint8 in MRC, uint16 in FITS, records
// anywhere) fails, naming the dtype and the format. NIfTI stores arrays in
// Fortran order and the others in C order: IN in the other order has its
// items reordered, through a mapping of IN, so that the format's reader
// sees IN's shape and values; IN that cannot be mapped (an archive member,
// a shard set, a Zarr array) is then refused, to be converted to .npy
// first. The header file of a pair is written, as the data file is, apart
// and named when complete, after its data file.
//
// The arrays of an archive that cannot be read (see info) are skipped: the
// others are converted, and convert then exits 1 with one line naming each
// array skipped and why, as cp exits 1 when it could not copy every file.
// A member named alone (archive.npz:obj) that cannot be read fails. Keys
// with a slash, which np.savez writes as members such as dir/x.npy, are
// kept in an .npz OUT; a folder OUT refuses them, naming the member.
//
// # refs
//
// refs prints a reference file (version 1 of the JSON form fsspec's
// reference file system reads, as kerchunk writes it) that describes a
// FILE — a .npy file, a stored member of an .npz archive, a raw file
// described by the raw flags, or a file of another format — or a shard
// set (a FOLDER or a quoted PATTERN) as a Zarr v2 array of uncompressed
// chunks whose bytes are byte ranges of the files themselves. zarr,
// dask.array.from_zarr and xarray then read the data where it lies:
//
//	ndmap refs frames.npy > frames.json
//	python3 -c 'import dask.array as da; print(da.from_zarr("reference://", storage_options={"fo": "frames.json"}).sum().compute())'
//
// Chunks run along the first axis (the last, for a Fortran-order file),
// --chunk-rows N positions each, or about 16 MiB by default; a chunk of a
// shard set never spans two files, so N must divide the length of every
// file but the last. A last partial chunk is the only data copied: Zarr
// needs full-sized chunks, so its bytes are inlined in the reference file
// (see the dataset package's WriteRefs). Paths in the references are
// absolute, for readers on the same machine or file system. Records,
// deflated members and Zarr stores (which zarr opens as they are) are
// refused.
//
// # Progress
//
// stats and convert draw a progress bar on standard error when it is a
// terminal and the work has taken more than a second.
//
// # Exit status
//
// 0 on success; 1 for bad input — a file that cannot be read or is not
// what it claims, an index out of range, a missing field, an archive with
// a damaged member or a wrong checksum, a conversion that had to skip
// arrays — with one line on standard error naming the file and the
// problem; 1 too when standard
// output cannot be written (a full disk, a closed descriptor), with one
// line saying so, whatever was printed before; 2 for a wrong command line,
// with a short usage text on standard error.
//
// A pipe closed by its reader, as in "ndmap show big.npy | head", ends
// ndmap on Unix as it ends other tools there: killed by SIGPIPE, with
// nothing on standard error (the shell shows status 141). On Windows, which
// has no SIGPIPE, it is a failed write like any other: exit 1.
package main
