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
// # Descriptors
//
// A mapping does not need the file's descriptor to stay valid: the
// operating system holds the file for as long as the mapping exists, and
// reads its pages from it, even after the descriptor is closed (on Windows,
// the file and mapping handles likewise). A ReadOnly or CopyOnWrite map
// therefore holds no descriptor: [Open] and [OpenRegion] close the file
// before they return, and the file given to [MapRegion] may be closed as
// soon as it returns. A program can keep tens of thousands of files mapped
// under a limit of 1,024 open files; what bounds it then is the number of
// mappings a process may have (vm.max_map_count on Linux, 65,530 by
// default) and, on 32-bit systems, the address space.
//
// Nothing a ReadOnly or CopyOnWrite map does needs the descriptor: reads go
// through the mapping, [Map.Flush] has nothing to write, and [Map.Resize]
// is refused for these modes in any case. Only the offset of a
// [*FaultError] is found with the file's size, which such a map reads by
// the file's name; if the name no longer leads to the mapped file (it was
// renamed or replaced), the offset is that of the byte that faulted. A
// ReadWrite map keeps its file open until Close, for Flush and Resize.
//
// # Regions and alignment
//
// Operating systems map whole pages, starting at offsets that are a multiple
// of the page size (Unix) or of the 64 KiB allocation granularity (Windows).
// The package maps from the aligned offset below the one asked for and hides
// the difference: [Map.Bytes] starts at the requested offset, and every
// offset taken by a method of [Map] is relative to it.
//
// # Space and durability
//
// A file made long by truncation is sparse: its blocks are found when its
// pages are written back, and on a full device that is a fault, not an
// error. [Preallocate] reserves them first, so that a full device is an
// error before anything is written. [SyncData] waits until a file's data
// is on the device, with fdatasync where the system has it.
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
// # Concurrency
//
// Every method of a [Map] may be called from several goroutines at once,
// Close included. What each does when Close (or Resize) comes along:
//
//   - [Map.Offset] and [Map.Mode] never wait; [Map.Bytes] and [Map.Len] wait
//     only for a Close or Resize in progress, and after Close return nil
//     and 0.
//   - [Map.ReadAt], [Map.WriteAt], [Map.Flush], [Map.FlushRange] and
//     [Map.Advise] run alongside each other; Close and Resize wait for the
//     calls in progress to finish, and calls that start after Close return
//     [ErrClosed].
//   - [Map.Guard] runs alongside everything; its callback may call any
//     method, Close included, and a Close during the callback (from it or
//     from another goroutine) returns at once while the mapping stays until
//     the last callback in progress returns, so the callback's slice stays
//     valid to its end.
//   - [Map.Resize] waits as Close does, and while a Guard callback runs it
//     changes nothing and returns an error wrapping [ErrBusy].
//   - [Map.Close] may be called more than once; calls after the first
//     return nil.
//
// The slices returned by Bytes have none of this protection. Reading or
// writing one while another goroutine closes or resizes the map touches
// memory that may already be unmapped: a memory fault that ends the program
// (SIGSEGV on Unix; it is no [*FaultError], since only ReadAt, WriteAt and
// the callback of Guard turn faults into errors, and only for the map's own
// pages), or, if the addresses have been mapped again, a silent read or
// write of other memory. Programs that close a map while other goroutines
// read it must read through ReadAt or inside Guard.
//
// # Platforms
//
// Unix systems (Linux, macOS, the BSDs, Solaris, AIX) and Windows are
// supported. Elsewhere every constructor returns an error wrapping
// [errors.ErrUnsupported]. On 32-bit systems a file or region bigger than
// the address space is refused with an error wrapping [ErrTooLarge].
package mmap
