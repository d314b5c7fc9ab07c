// Package mmap maps files, or regions of files, into memory.
//
// A [Map] is a byte slice backed by a file: [Open] maps a whole file,
// [OpenRegion] and [MapRegion] map the bytes [off, off+n) of one, and
// [Create] makes a new file of a given size and maps it for writing. The
// file may be far bigger than RAM; the operating system reads only the pages
// a program touches, and several processes mapping the same file share one
// copy of it in the page cache.
//
// # Modes
//
// A map is [ReadOnly], [ReadWrite] or [CopyOnWrite]. Writes to a ReadWrite
// map reach the file and every other mapping of it, including those of other
// processes; [Map.Flush] and [Map.FlushRange] wait until they are on disk.
// Writes to a CopyOnWrite map stay private to the map and never reach the
// file. Writing to the bytes of a ReadOnly map crashes the program; use
// [Map.WriteAt] where that must be an error instead.
//
// # Regions and alignment
//
// Operating systems map whole pages, starting at offsets that are a multiple
// of the page size (Unix) or of the 64 KiB allocation granularity (Windows).
// The package maps from the aligned offset below the one asked for and hides
// the difference: [Map.Bytes] starts at the requested offset, and every
// offset taken by a method of [Map] is relative to it.
//
// # Faults
//
// If another process shrinks a file while it is mapped, touching a page that
// is no longer backed by the file makes the operating system raise a memory
// fault (SIGBUS on Unix), which ordinarily kills the program. [Map.ReadAt],
// [Map.WriteAt] and [Map.Guard] turn such a fault into a [*FaultError] that
// wraps [ErrFault] and says where it happened, and the program carries on.
// Code that indexes [Map.Bytes] directly has no such protection.
//
// # Lifetime
//
// [Map.Close] unmaps the file; slices returned by [Map.Bytes] must not be
// used after it, nor after [Map.Resize]. A Map that becomes unreachable
// without Close is unmapped when the garbage collector finds it, so a program
// that keeps only the slice from Bytes must keep the Map reachable too (for
// example with [runtime.KeepAlive]) for as long as it uses the slice.
//
// # Platforms
//
// Unix systems (Linux, macOS, the BSDs, Solaris, AIX) and Windows are
// supported. Elsewhere every constructor returns an error wrapping
// [errors.ErrUnsupported]. On 32-bit systems a file or region bigger than
// the address space is refused with an error wrapping [ErrTooLarge].
package mmap
