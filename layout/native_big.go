//go:build mips || mips64 || ppc64 || s390x

package layout

// NativeOrder is the byte order of the machine the program runs on.
const NativeOrder = BigEndian
