// Package fits describes the images of FITS files, the format of
// astronomical data: a sequence of header and data units (HDUs), each a
// header of 80-character cards in 2880-byte blocks followed by its data,
// big-endian, padded to a whole block.
//
// Importing the package registers the format "fits" with the header
// package, so that files starting with "SIMPLE  =" (or, failing that, named
// .fits, .fit or .fts) are opened by path, with the zero [Describer].
//
// # Reading
//
// [Read] and [ReadFile] walk every HDU and return a [File]: for each
// [HDU], its cards (with [HDU.Get], [HDU.String], [HDU.Int], [HDU.Float],
// [HDU.Bool], and the World Coordinate System cards from [HDU.WCS]), its
// EXTNAME and EXTVER, and for an image its data: where it starts, its dtype
// from BITPIX (uint8, and big-endian int16, int32, int64, float32 and
// float64) and its shape (NAXISn, ..., NAXIS1) in C order, as astropy
// presents it.
//
// [Describer] chooses one image HDU: by index, by EXTNAME (and EXTVER), or
// by default as astropy.io.fits.getdata does, the primary HDU or, when it
// has no data, the one after it. Tables (BINTABLE, TABLE) are listed but
// have no array to map; random groups are refused with an error wrapping
// layout.ErrUnsupported.
//
// # Scaling
//
// Stored values keep their type in the view. HDU.Scale holds BSCALE and
// BZERO, to be applied where values are read as floats. HDU.Unsigned marks
// the convention by which FITS stores unsigned 16-, 32- and 64-bit integers
// (and signed bytes): BSCALE 1 and BZERO 2^(BITPIX-1). astropy presents
// such data as unsigned integers, which cannot be a view of the stored
// bytes, since every value differs from the stored one in its top bit; the
// view holds the signed stored values, and Scale.Apply gives astropy's
// values (exactly, but for uint64 values above 2^53). BLANK is reported,
// not applied.
//
// # Writing
//
// [New] returns a primary HDU for a dtype and shape, and [HDU.Encode] its
// header: the mandatory cards, BSCALE and BZERO when Scale is not the
// identity, the HDU's own cards, END, padded to a whole block. The data
// follows, then [Padding]. Only primary HDUs are written.
//
// # Errors
//
// Malformed headers give a *header.FormatError whose message starts with
// "fits:" and names the card and its byte offset.
//
// # Security
//
// Every card is untrusted. Headers are read a block at a time, up to
// [MaxCards] cards, and files up to [MaxHDUs] HDUs; NAXIS is at most 999,
// every NAXISn non-negative, and data sizes are computed without overflow
// and compared with the file's size before anything is mapped.
//
// # Concurrency
//
// The functions of this package may be called from several goroutines at
// once; an HDU is a plain value that one goroutine at a time may change.
package fits
