// Package bench holds benchmarks that compare ndmap with the plain
// alternatives on the same data in the same run.
//
// # What is measured
//
// The mmap benchmarks map a 1 GiB file and compare opening and reading it
// with os.ReadFile and (*os.File).ReadAt. The array benchmarks take frames of
// a (64, 256, 256) float32 .npy file and a column of a (rows, 64) float64 one
// and compare View.Index, View.At, View.At2, View.Values, View.CopyTo and
// View.Slice with the same work done on a plain Go slice of the same data;
// an unaligned field of packed records is copied out with Field and CopyTo
// against an encoding/binary loop over the mapped bytes, and array.Open of
// sparse files from 1 MiB to 64 GiB is compared with reading the header
// alone.
// The archive benchmark reads every member of a 4000-member .npz with
// array.OpenArchive and compares it with archive/zip.
// The format benchmarks copy out random frames of a 2 GiB MRC stack and
// channels of a 2 GiB SpikeGLX recording, and the same arrays in .npy
// files, to show that a file of another format reads at the speed of a .npy
// file; they also time the statistics pass an MRC file gets at Close. The writing
// benchmarks make a 64 MiB .npy filled in order, with buffered writes and
// an fsync against array.Create and WriteValues (through the file, with and
// without Preallocate) and against a fill through the mapping, and append
// 64 MiB in 1 MiB batches each synced, plain writes with an fdatasync per
// batch against the Appender's default and a group commit.
//
// # Reading the results
//
// Each benchmark has one sub-benchmark per alternative, run one after the
// other on the same file. The plain alternative runs first; each
// sub-benchmark for ndmap reports, besides its own time, an "x-faster"
// metric: the time per operation of the plain alternative measured just
// before, divided by its own. A value above 1 means ndmap was faster.
//
// The benchmarks write their data files to a temporary directory and remove
// them afterwards. Those bigger than 64 MiB (the 1 GiB files of the mmap
// benchmarks, the large column, the large record file and the 2 GiB files
// of the format benchmarks, which are sparse) are skipped under -short. The
// sparse files of BenchmarkArrayOpen are holes and cost no disk.
//
// # Comparison with NumPy
//
// The folder compare is a separate module with a command that measures
// ndmap against NumPy's memory-mapped arrays, pread and the npyio package on
// the same files in one run; see README.md in this folder and RESULTS.md for
// one run's output.
package bench
