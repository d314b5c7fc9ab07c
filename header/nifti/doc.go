// Package nifti describes NIfTI-1 and NIfTI-2 files, the format of brain
// imaging volumes: a single .nii file (a header, optional extensions, then
// the data from vox_offset) or a .hdr/.img pair (the header in the .hdr,
// the data in the .img).
//
// Importing the package registers the format "nifti" with the header
// package. A file whose first bytes are a NIfTI header is claimed by its
// content; an .img file is claimed when the .hdr beside it holds a NIfTI
// header of a pair, and its describer reads that .hdr. Opening the .hdr of
// a pair itself is an error that says to open the .img.
//
// # Reading
//
// [Read] reads a header from an io.ReaderAt and [ReadFile] from a file of
// either kind, returning a [Header] with the fields a user needs (voxel
// sizes in PixDim and [Header.Zooms], units, qform and sform, intent,
// description, extensions) and, in Header.Array, where the data starts, its
// dtype in the header's byte order and its shape dim[1..dim[0]] in Fortran
// order: the axes nibabel gives, with the first varying fastest.
//
// The byte order is the one in which sizeof_hdr reads 348 (NIfTI-1) or 540
// (NIfTI-2). The datatypes uint8, int8, int16, uint16, int32, uint32,
// int64, uint64, float32, float64, complex64 and complex128 are read, and
// RGB24 and RGBA32 as records of uint8 fields R, G, B (and A), as nibabel
// reads them. Binary (1 bit per voxel), float128 and complex256 have no
// dtype that can be mapped and are refused with an error wrapping
// layout.ErrUnsupported. Analyze 7.5 headers, which lack the NIfTI magic,
// and gzipped .nii.gz files, which cannot be mapped, are not read.
//
// # Scaling
//
// Voxels stored as scaled integers keep their stored values in the view;
// Header.Scale holds scl_slope and scl_inter, to be applied where values
// are read as floats. As in nibabel, a scl_slope of 0 or one that is not
// finite means no scaling, and a valid slope with an intercept that is not
// finite is an error.
//
// # Writing
//
// [New] returns a NIfTI-1 header for a dtype and shape, and [Header.Encode]
// its bytes: 352 for a .nii file, whose data follows from byte 352, or 348
// for the .hdr of a pair. NIfTI-2 headers are read but not written.
//
// # Errors
//
// Malformed headers give a *header.FormatError whose message starts with
// "nifti:" and names the field and its byte offset. Two kinds of file that
// nibabel corrects as it reads are refused: a sizeof_hdr that is neither
// size in either byte order (which leaves the byte order unknown) and a
// vox_offset that is not a whole number, or that lies inside the header of
// a single file, where nibabel would read the header as data.
//
// # Security
//
// Every header field is untrusted. The header is read in one read of its
// fixed size; dimensions must be non-negative, the data size is computed
// with overflow checks and compared with the data file's size before
// anything is mapped; extensions are listed only as far as vox_offset, at
// most 65536 of them, and their contents are not read.
//
// # Concurrency
//
// The functions of this package may be called from several goroutines at
// once; a Header is a plain value that one goroutine at a time may change.
package nifti
