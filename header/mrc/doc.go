// Package mrc describes MRC files, the format of cryo-electron microscopy
// maps, image stacks (.mrcs) and tomograms, as the MRC2014 paper defines
// it: a 1024-byte header, an extended header of NSYMBT bytes, then the data.
//
// Importing the package registers the format "mrc" with the header
// package, so that files whose byte 208 holds the map ID "MAP" (or, failing
// that, named .mrc, .mrcs, .map, .st, .ali or .rec) are opened by path.
//
// # Reading
//
// [Read] and [ReadFile] return a [Header]: the fields a user needs (voxel
// size, origin, cell, space group, labels, statistics, the extended header's
// type and size) and, in Header.Array, where the data starts, its dtype in
// the file's byte order and its shape. The shape is the one mrcfile gives
// its data: (NY, NX) for a single image, (NZ, NY, NX) for a volume or image
// stack, (volumes, MZ, NY, NX) for a volume stack (ISPG 401 to 630), in C
// order. [Describer] is the same reading as a header.Describer.
//
// Modes 0 (int8), 1 (int16), 2 (float32), 4 (complex64), 6 (uint16) and
// 12 (float16) are read. Mode 3 (complex int16) has no NumPy dtype, and mode
// 101 (4-bit integers two to a byte) has items smaller than a byte; both
// are refused with an error that wraps layout.ErrUnsupported, rather than
// described as something they are not.
//
// The byte order is the machine stamp's (MACHST). A file whose stamp is
// neither little- nor big-endian is read in the order in which its MODE is
// a known mode, as mrcfile's permissive mode does, and the Header says so;
// when MODE does not tell, the file is refused.
//
// # Writing
//
// [New] returns the header of a new file for a dtype and shape, as
// mrcfile.new would write it; [Header.Encode] gives its 1024 bytes. The data
// follows them in C order. When the data is final, [Header.UpdateStats]
// computes the minimum, maximum, mean and RMS and writes them into the
// header, as mrcfile does when a file is closed; [Header.WriteStats] writes
// statistics computed elsewhere.
//
// # Errors
//
// Malformed headers give a *header.FormatError whose message starts with
// "mrc:" and names the field and the byte offset where it lies. Errors of
// I/O are returned wrapped, with their cause.
//
// # Security
//
// Every header field is untrusted. The dimensions must be non-negative, the
// byte size of the data is computed with overflow checks, and the extended
// header and the data must lie within the file's size, so a header that
// promises more than the file holds is an error before anything is mapped.
// Nothing is allocated from a size the file gives: the header is 1024
// bytes and [Header.ComputeStats] reads the data in fixed chunks.
//
// # Concurrency
//
// The functions of this package may be called from several goroutines at
// once; a Header is a plain value that one goroutine at a time may change.
package mrc
