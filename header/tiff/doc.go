// Package tiff describes TIFF stacks whose image data lie uncompressed and
// contiguous in the file, so that the whole series can be mapped as one
// array: the files tifffile.memmap accepts, such as ImageJ hyperstacks,
// files tifffile writes with its JSON shape description, and plain
// multi-page TIFFs of like pages stored back to back. Classic TIFF and
// BigTIFF are read, in either byte order.
//
// # Reading
//
// [Read] and [ReadFile] return the file's first [Series] as tifffile
// presents it: its shape, with tifffile's axis letters, dtype (in the
// file's byte order) and data offset. The shape comes from the same place
// as tifffile's:
//
//   - shaped: the "shape" of tifffile's JSON description (or its older
//     shape=(...) form), kept as written;
//   - imagej: frames, slices and channels of the ImageJ description, in
//     ImageJ's TZCYXS order (or the order= it names), with length-1
//     dimensions removed;
//   - uniform and generic: the number of pages like the first, then the
//     page's own shape (length, width and samples, or samples first for
//     planar data), with length-1 dimensions removed.
//
// [Describer] is the [header.Describer] of TIFF files. Importing the
// package registers the format "tiff" with [header.RegisterFormat],
// claiming files by their header (II*, MM*, and BigTIFF's II+, MM+).
//
// # What is refused
//
// Files whose data cannot be mapped give an error wrapping
// [ErrUnsupported] that says why: compressed data (and predictors), tiles
// (except tiles as wide as the image, which tifffile also maps), samples
// of other than 8, 16, 32 or 64 bits (bilevel and packed images) or of
// mixed sizes, chroma subsampling, reversed fill order, strips or pages
// that do not follow each other, and pages of a series laid out unlike
// the first (a different planar configuration, size or sample type).
// OME-TIFF, LSM, STK, FluoView, NIH Image, SVS, SCN, NDPI, BIF, QPI, SIS,
// ScanImage and MD Gel files are refused too: tifffile takes their shape
// from metadata this package does not read.
//
// Where tifffile takes the pages of a shaped or ImageJ series to follow
// the first without reading them (ImageJ's own files over 4 GiB have only
// one IFD), the pages the file does have are checked to lie where the
// data runs, so a file tifffile would map wrongly is refused here.
//
// # Errors and security
//
// Malformed files give a [*header.FormatError] with the byte offset of the
// fault. The file is untrusted: IFDs are limited to 4096 entries and
// [MaxPages] pages, tag arrays to the file's size and 16 million values,
// the bytes read for IFDs and tag arrays together to a few times the
// file's size (so overlapping or looping structures cannot make the
// reader spin), a looping IFD chain is detected, every size is computed
// with overflow checks, and the data must lie inside the file. Image data
// is never read.
//
// # Concurrency
//
// Read may be called concurrently; a *Series is not modified after it is
// returned.
package tiff
