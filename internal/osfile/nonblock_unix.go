//go:build unix

package osfile

import "syscall"

// nonblock makes opening a named pipe return at once instead of waiting
// for a writer; it changes nothing for regular files and block devices.
const nonblock = syscall.O_NONBLOCK
