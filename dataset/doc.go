// Package dataset reads arrays spread over many files as one array: shard
// sets (many .npy or raw files along the first axis) and Zarr v2 directory
// stores; it writes Zarr v2 stores, and reference files through which zarr,
// Dask and xarray read ndmap's files in place. Each piece inside one file is
// still an [array.View] of its mapping: nothing is copied to read it.
//
// # Shard sets
//
// A [Set] is a list of files holding arrays of one dtype and one trailing
// shape, seen as one array along the first axis: the hourly segments of a
// recording, or a folder with one .npy file per time step. [OpenSet] takes
// a folder, a pattern such as "run/x_*.npy", or one file, and sorts the
// names in natural order ([NaturalCompare]: x_10 after x_9);
// [OpenSetFiles] takes the paths in the order given. [Shards] is a set's
// typed view:
//
//	s, err := dataset.OpenShards[float32]("segments/")
//	if err != nil { ... }
//	defer s.Close()
//	frame, err := s.Frame(120000)   // a View[float32] into one file's mapping
//	if err != nil { ... }
//	v := frame.At(10, 20)
//	frame.Release()
//	n, err := s.CopyTo(buf, array.Range(99990, 100010)) // gathered across files
//
// Opening a set reads each file's header once, several files at a time, and
// closes the file again, so opening 20,000 shards leaves no file open; the
// headers tell each file's length. A file is mapped when a row of it is
// first read, and its header is read again then: a file that changed since
// the set was opened gives an error wrapping [ErrMismatch]. [Set.Append]
// adds a file at the end.
//
// # Descriptors and mappings
//
// A mapped file needs no descriptor (see package mmap), so a dataset bounds
// the two apart. Descriptors are held only while a file's header is read
// or while it is mapped or inflated, and never more than 32 at once in all
// the datasets of a process together: a folder of 20,000 shards reads
// through under the usual limit of 1,024 open files. Mappings stay until
// the bound of [MaxMapped] needs room, and then those not used lately are
// unmapped first. By default the datasets of a process share one bound,
// half of the system's limit on mappings (vm.max_map_count on Linux: 32,765
// of the default 65,530) or 32,768 where the system has none, and on 32-bit
// systems a dataset maps at most 512 MiB at once; so 20,000 shards stay
// mapped after their first read, and a frame read again costs no more than
// one of a single file. A mapping takes no memory of its own beyond the
// kernel's bookkeeping and the pages read, which the system may drop.
//
// The shared bound is fair: each open dataset under it is entitled to an
// equal share, the bound divided by their number. While the datasets
// together hold no more than the bound, any one of them may hold more than
// its share. When a dataset needs room beyond the bound, those holding
// more than their share unmap files, those not read lately first, until
// the total is back within it, or nothing more can be unmapped; a dataset
// holding no more than its share keeps its files. Room is taken from a
// dataset that is idle as from one in use, by the goroutine that needs it;
// files with blocks held are never unmapped, so while they are held the
// total may exceed the bound. Close gives a dataset's mappings back and
// ends its share; a dataset dropped without Close does the same once the
// garbage collector finds it unreachable, which may take a while: until
// then its files stay mapped and count against the bound, and it keeps its
// share. A dataset given [MaxMapped] has a bound of its own, outside the
// shared one.
//
// Headerless files are read with a [Describer] option, for example a
// [header.Raw] whose shape starts with -1, so that each file's size gives
// its length.
//
// # Zarr stores
//
// [OpenZarr] opens an array of a Zarr v2 directory store as zarr-python 2
// writes it: .zarray and .zattrs, C or Fortran order within chunks, chunk
// keys joined with "." or nested in folders ("/"), edge chunks, and the
// fill value for chunks that are missing. [OpenGroup] lists the arrays and
// groups of a group (.zgroup). Chunks stored without a compressor are mapped
// and read in place; chunks compressed with zlib or gzip are inflated when
// first read and kept in a cache of [CacheBytes] ([DefaultCacheBytes]).
// Other compressors (blosc, zstd, lz4, ...) and filters are refused when the
// array is opened, with a [*CodecError] naming the codec: their Go
// implementations are not in the standard library, and none was judged
// worth a dependency. Record (structured) dtypes, which .zarray gives as
// NumPy's descr in a JSON list, are read by [ReadZarrMeta] and written by
// [WriteRefs]; [OpenZarr] reads elements as Go scalars and refuses them
// with an error wrapping [array.ErrType].
//
// [WriteZarr] writes any view as a new store of uncompressed, zlib or gzip
// chunks, of a given shape or of [DefaultChunks]; chunks are written by
// several goroutines at once, each to a temporary file renamed into place
// once complete. [CreateGroup] makes a group to write arrays into.
//
// # Blocks
//
// [Shards] and [Zarr] are both a [Dataset]: an array cut into blocks (the
// files of a set, the chunks of a store), which a parallel pass takes one by
// one. A [Block] holds its file mapped, or its inflated chunk in memory,
// until [Block.Release]; only then may the dataset unmap it to make room.
// A block not released keeps its file mapped past the MaxMapped bound, and
// past Close. Getting and releasing a block whose file is mapped takes no
// lock: goroutines reading the same dataset do not wait for each other. CopyTo and Values gather any selection, as [array.View.Slice]
// takes it, block by block, releasing each as they go.
//
// # From ndmap to Dask
//
// [WriteRefs] describes an existing .npy or raw file as a Zarr v2 array
// whose chunks are byte ranges of the file, in the JSON reference format of
// fsspec's reference file system (version 1, as kerchunk writes it), and
// [WriteSetRefs] does the same for a whole shard set. With that file, Dask
// reads the data where it lies:
//
//	f, _ := os.Create("frames.json")                            // Go
//	dataset.WriteRefs(f, "frames.npy", dataset.RefOptions{})
//	f.Close()
//
//	import dask.array as da                                     # Python
//	x = da.from_zarr("reference://", storage_options={"fo": "frames.json"})
//	x.mean(axis=0).compute()
//
// and xarray's open_dataset(..., engine="zarr") opens it the same way. A
// store written by [WriteZarr] needs no reference file:
// dask.array.from_zarr("store.zarr").
//
// # Concurrency
//
// The methods of a [Set], [Shards] and [Zarr] may be called from several
// goroutines at once, Close and Append included: a file or chunk asked for
// by several at the same time is opened once. A [Block]'s view may be read
// from any goroutine until it is released. [WriteZarr] may run while other
// goroutines read the view it writes, not while they write it.
//
// # What is trusted
//
// Headers, .zarray and .zattrs files and chunks are untrusted input:
// metadata files are read up to 16 MiB, every size is checked for overflow,
// a chunk held in memory (inflated, or the fill value) may be at most
// [MaxChunkBytes], and a compressed chunk must inflate to exactly a chunk's
// bytes with a valid checksum. Bad data gives an error wrapping [ErrFormat]
// (or [header.ErrFormat] for a shard's header) naming the file; caller
// bugs — an index out of range, options that make no sense — panic.
package dataset
