// Package envi describes ENVI raster files: a raw data file whose layout a
// text header beside it (name.hdr) gives, as written by ENVI, GDAL and
// spectral.
//
// # Reading
//
// [Read] and [ReadFile] parse the .hdr text into a [Header]: samples, lines
// and bands, the data type and byte order as a dtype, the header offset
// (where the data starts in the data file), the interleave, and every other
// field as text ([Header.Value], [Header.List], [Header.Floats], with
// [Header.BandNames] and [Header.Wavelengths] for the common ones). A
// *Header is the [header.Describer] of its data file; [Header.Array]
// returns the array it describes.
//
// The interleave sets the axis order of the array, in C order as
// spectral's open_memmap(interleave="source") presents it: BSQ is (bands,
// lines, samples), BIL (lines, bands, samples) and BIP (lines, samples,
// bands). A spectral library (file type "ENVI Spectral Library") is
// (lines, samples), as spectral's SpectralLibrary holds it. ENVI data
// types 1, 2, 3, 4, 5, 6, 9, 12, 13, 14 and 15 map to uint8, int16, int32,
// float32, float64, complex64, complex128, uint16, uint32, int64 and
// uint64; the dtype carries the header's byte order.
//
// Importing the package registers the format "envi" with
// [header.RegisterFormat]: a file is claimed when an ENVI header lies
// beside it ([HeaderFile] says where it looks), and an ENVI .hdr opened by
// itself gets an error naming its data file ([DataFile]).
//
// # Writing
//
// [New] makes the header of an image of a given dtype, shape and
// interleave, and [Header.Encode] writes it as .hdr text that spectral
// reads back, with any fields set by [Header.Set], [Header.SetList] and
// [Header.SetFloats]. The data file is then the header offset's bytes
// (none, by default) followed by the array in C order.
//
// # What is refused
//
// Values the data cannot be mapped for give an error wrapping
// [ErrUnsupported]: compressed data (file compression = 1), frame offsets
// (gaps between lines or bands), data types 0, 7, 8, 10 and 11, which hold
// no plain numbers, and a spectral library of more than one band. Headers
// that spectral reads leniently are refused where the reading would be a
// guess: an interleave other than bsq, bil or bip, a byte order other
// than 0 or 1, and a missing byte order (for items wider than a byte) or
// interleave (for more than one band).
//
// Scale factors ("reflectance scale factor", "data gain values", "data
// offset values") are not applied to the array; they are fields the caller
// may read with [Header.Floats].
//
// # Errors
//
// Malformed headers give a [*header.FormatError] whose offset is the byte
// in the .hdr text where the faulty value or line starts (or the header's
// end, for a missing field); [Header.Describe] gives one when the data
// file is too short for the array.
//
// # Security
//
// Header and data files are untrusted. The header is read only up to
// [MaxHeaderSize] bytes; every number is parsed as a bounded integer,
// dimensions must be non-negative and fit in an int, and the array's byte
// size is computed with overflow checks before [Header.Describe] compares
// it with the data file's size. Nothing is trusted from the file names
// beyond what they say: [HeaderFile] and [DataFile] only look beside the
// given file.
//
// # Concurrency
//
// A *Header may be read by several goroutines at once; Set, SetList and
// SetFloats must not run concurrently with any other use of it. The other
// functions are safe to call concurrently.
package envi
