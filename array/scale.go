package array

import (
	"fmt"

	"github.com/ndmap/ndmap/header"
)

// Real is the set of element types whose values [CopyScaled] maps to
// floats: the integers and floats of one component.
type Real interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~int |
		~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uint |
		~float32 | ~float64
}

// Float is the set of element types [CopyScaled] writes.
type Float interface{ ~float32 | ~float64 }

// scaleChunk is how many elements the scaled copies read at a time, into a
// buffer on the stack.
const scaleChunk = 512

// CopyScaled copies the elements of v into dst in C order, each mapped by s
// to the value it stands for, and returns how many it copied (v.Size()).
// This is how stored integers are read as the values a format's metadata
// says they are — FITS BSCALE and BZERO, NIfTI scl_slope and scl_inter —
// while the view itself stays the stored values, mapped in place.
//
// Each value is s.Apply of the element as a float64, then converted to F:
// with F float64 it is NumPy's x * slope + inter, bit for bit, as nibabel's
// get_fdata gives it; with F float32 it is that value rounded once, which
// can differ in the last place from astropy's float32 arithmetic. Like
// [View.CopyTo] it allocates nothing, whatever the strides and byte order.
//
// CopyScaled panics if dst is shorter than v.Size() or the file has been
// closed.
func CopyScaled[F Float, T Real](dst []F, v View[T], s header.Scale) int {
	return copyScaled(dst, v, []header.Scale{s}, "CopyScaled")
}

// CopyScaledColumns copies the elements of v into dst in C order, as
// [CopyScaled] does, mapping those at index j of v's last axis by s[j]: the
// columns of a (samples, channels) recording each by its channel's own
// scale, as SpikeGLX gains are (from the spikeglx package's
// Meta.VoltsPerCount, as Scale{Slope: volts}). It returns how many it copied.
//
// CopyScaledColumns panics if v is 0-d, if len(s) is not the length of v's
// last axis, if dst is shorter than v.Size(), or if the file has been
// closed.
func CopyScaledColumns[F Float, T Real](dst []F, v View[T], s []header.Scale) int {
	if len(v.g.shape) == 0 {
		panic("array: CopyScaledColumns of a 0-d view")
	}
	if m := v.g.shape[len(v.g.shape)-1]; len(s) != m {
		panic(fmt.Sprintf("array: CopyScaledColumns with %d scales for a last axis of %d", len(s), m))
	}
	return copyScaled(dst, v, s, "CopyScaledColumns")
}

// copyScaled copies v into dst in C order, mapping the element at position
// i by s[i%len(s)]: one scale for all, or one per index of the last axis.
func copyScaled[F Float, T Real](dst []F, v View[T], s []header.Scale, fn string) int {
	v.f.check()
	n := v.g.len()
	if len(dst) < n {
		panic(fmt.Sprintf("array: %s destination holds %d elements, view has %d", fn, len(dst), n))
	}
	var buf [scaleChunk]T
	var w rowWalk
	i, col := 0, 0
	for ok := v.g.startRows(&w); ok; ok = w.next() {
		off := w.off
		for left := w.n; left > 0; {
			k := min(left, len(buf))
			v.loadRow(buf[:k], off, w.stride)
			out := dst[i : i+k]
			if len(s) == 1 {
				sc := s[0]
				for j, x := range buf[:k] {
					out[j] = F(sc.Apply(float64(x)))
				}
			} else {
				for j, x := range buf[:k] {
					out[j] = F(s[col].Apply(float64(x)))
					if col++; col == len(s) {
						col = 0
					}
				}
			}
			i += k
			off += k * w.stride
			left -= k
		}
	}
	return n
}
