//go:build !unix

package osfile

const nonblock = 0
