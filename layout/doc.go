// Package layout says what the bytes of an array mean: NumPy data types
// (dtypes), their byte order, the shapes and strides of arrays, sizes
// checked for overflow, and whether a Go type can read or overlay an item.
//
// # Data types
//
// A [DType] models every dtype a .npy file can hold without pickling:
// bool; int8 to int64 and uint8 to uint64; float16, float32 and float64;
// complex64 and complex128; byte strings S<n>; UCS-4 strings U<n> (4n
// bytes); opaque V<n>; datetime64 and timedelta64 with a unit and a
// multiplier (M8[ns], m8[10s], and the generic M8); and records with named
// fields, titles, nested records, sub-array fields, explicit offsets,
// padding and an itemsize of their own. Python objects ('O') and the
// platform's long double ('g', 'G', 'f12', 'f16', 'c24', 'c32') are
// recognised and refused with an error wrapping [ErrUnsupported].
//
// # Descrs
//
// [ParseDescr] reads the 'descr' literal of a .npy header and
// [DType.Descr] writes it back exactly as NumPy does (the repr of
// numpy.lib.format.dtype_to_descr), so that a header read and written
// again is byte-identical. As NumPy does when it reads a descr, entries
// with an empty name whose type is void or a sub-array are padding, every field
// starts where the previous entry ended, and the itemsize is the sum of
// all entries; Descr regenerates padding entries from the offsets and
// itemsize. Two readings that NumPy 1.24 also makes: a shape given as the
// int 1 means a scalar field, and a field with an empty name that is not void keeps
// the empty name (NumPy's own dtype constructor would call it f0, but its
// .npy reader does not). A sub-array whose element type is itself a
// sub-array, (name, (fmt, inner), outer), keeps its levels: the field's
// Shape is the combined outer+inner, which is how views expose it (the
// bytes are those of one sub-array of that shape), and its Nesting says
// where the levels split, so that Descr writes (name, (fmt, inner),
// outer) back as NumPy does. As NumPy also reads them, a field may be a
// list instead of a tuple, and a title of None is no title.
//
// [ParseTypeString] reads the spellings NumPy's dtype() accepts for one
// type, and ParseDescr accepts them inside quotes:
//
//   - a byte order '<' (little), '>' (big), '=' or '|' or none (native;
//     for types of one byte or without order, every order reads as '|')
//     before a kind letter or a one-letter code, and of the names only
//     before datetime64 and timedelta64, as NumPy takes them;
//   - a kind letter and size: b1, i1 i2 i4 i8, u1 u2 u4 u8, f2 f4 f8,
//     c8 c16, S<n> and a<n> (bytes), U<n> (characters), V<n>, M8 and m8,
//     with leading zeros in the size allowed as NumPy allows them; S, U
//     and V alone mean size 0, M and m alone mean M8 and m8;
//   - the one-letter codes of fixed size ? b B h H i I q Q e f d F D c;
//   - the names bool, int8 ... int64, uint8 ... uint64, float16, float32,
//     float64, complex64, complex128, half, single, double, float,
//     complex, csingle, cdouble, byte, ubyte, short, ushort, intc, uintc,
//     longlong, ulonglong, bytes, str, void, datetime64 and timedelta64,
//     and the aliases NumPy 1 also reads (bool_, bool8, float_, complex_,
//     bytes_, string_, bytes0, str_, unicode, unicode_, str0, void0);
//   - after M8, m8, datetime64 or timedelta64 (not after M or m alone,
//     which NumPy refuses), a unit in brackets: one of Y M W D h m s ms us
//     ns ps fs as (μs for us), with a multiplier greater than zero: [ns],
//     [10ms]; or [generic], which is the generic unit.
//
// Spellings whose size depends on the platform (l, L, p, P, int, uint,
// int_, intp, long) are refused with [ErrUnsupported], since a file does
// not say which platform wrote it. Comma-separated record strings
// ('i4,f8') and sub-array strings ('(2,3)f8') are not accepted. Nothing
// NumPy refuses is accepted; a few things NumPy accepts are refused, each
// listed with the reason in the header package's table of NumPy's rules
// (a zero multiplier in a unit, [us/2], sizes written f+8, titles that
// are empty or not strings).
//
// Everything is validated: sizes that exist for the kind, known units,
// unique field names and titles, non-negative shapes, and itemsizes up to
// NumPy's limit of 2³¹-1 bytes, computed without overflow. Malformed input
// gives a [*DescrError] with the byte position of the problem; no input
// makes the parser panic.
//
// [DType.String] gives a short readable form for messages and listings:
// "float64", ">int32" (the byte order is shown only when it is not this
// machine's), "S12", "U3", "V16", "datetime64[ns]", "timedelta64[10s]",
// and "{name: S12, time: int64, pos: (2,3)float32}" for records.
//
// # Items
//
// [DType.Int], [DType.Uint], [DType.Float], [DType.Complex] and
// [DType.Text] decode one item from its bytes, in its byte order, for code
// that handles dtypes known only at run time: printers, converters, the
// readers of header records; [DType.PutText] encodes a string item. A
// NumPy str can hold a lone surrogate, which UTF-8 cannot: Text keeps it
// in WTF-8, three bytes that are not valid UTF-8, and PutText reads them
// back as the code point. [FormatShape] writes a shape as Python writes
// the tuple, as messages and .npy headers show it.
//
// # Shapes and strides
//
// [Count] and [ByteSize] return int64 and refuse, with an error wrapping
// [ErrOverflow], any shape whose size does not fit — on 32-bit platforms
// too. [CStrides] and [FortranStrides] give the strides in bytes of
// contiguous arrays as NumPy computes them, with zero-length axes and 0-d
// arrays handled.
//
// # Go types
//
// [TypeOf] and [For] give the dtype of a Go type in native byte order:
// bool, every sized integer (int and uint by their size on the platform),
// float32, float64, [Float16], complex64, complex128, [N]byte as S<N>, and
// structs: exported fields in Go's own layout, named by an `npy:"name"`
// tag or by the Go name, with `npy:"-"` skipping a field; skipped and
// unexported fields and Go's alignment gaps become padding. Arrays inside
// structs ([N]T, [N][M]T) are sub-array fields. Strings, pointers,
// slices, maps, channels, functions, interfaces and uintptr have no dtype.
//
// [Match] says whether items of a dtype can be read as values of a Go
// type (byte order aside) and [Overlay] whether the Go type can be laid
// over the bytes in place. Both fail with a [*MismatchError] that says
// exactly what differs. NumPy packs records unless it is asked for
// align=True, so a record written by NumPy usually has its fields at other
// offsets than a Go struct with the same fields: such records are read
// field by field through strided field views, not as Go structs.
//
// # Concurrency
//
// A [DType] is a value that nothing in this package modifies, so every
// function and method may be called from any number of goroutines at once.
package layout
