package reduce

import (
	"math"
	"math/bits"

	"github.com/ndmap/ndmap/layout"
)

// The element types of the kernels. Views of other Go types with the same
// layout (int, named types) are cast to these; float16 is converted to
// float32 and bool to uint8 before the kernels see them.
type (
	// number is every real type a kernel reads.
	number interface {
		~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
	}
	// integer is an integer element.
	integer interface {
		~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
	}
	// float is a floating-point element.
	float interface{ ~float32 | ~float64 }
	// smallInt is an integer whose sum over 2²⁴ values fits in an int64.
	smallInt interface {
		~int8 | ~int16 | ~int32 | ~uint8 | ~uint16 | ~uint32
	}
	// tinyInt is an integer whose square, summed over 2¹⁶ values, fits
	// in an int64.
	tinyInt interface {
		~int8 | ~int16 | ~uint8 | ~uint16
	}
	// complexNum is a complex element.
	complexNum interface{ ~complex64 | ~complex128 }
)

// pairBlock is the length of the blocks that sumFloat adds with eight
// accumulators before adding the block sums pairwise; NumPy's pairwise
// summation uses the same block.
const pairBlock = 128

// sumFloat returns the sum of xs in float64. Within blocks of pairBlock
// elements, four accumulators take pairs of neighbours, which keeps
// several additions in flight and the accumulators and loads in registers;
// the block sums are then added pairwise (a binary counter of partial sums,
// so no recursion), so that the rounding error grows with the logarithm of
// the length, not with the length. It is at least as accurate as NumPy's
// pairwise sum for float64, and far more so for float32, which NumPy adds
// in float32.
func sumFloat[E number](xs []E) float64 {
	var level [64]float64 // level[k]: the sum of 2^k blocks, when bit k of blocks is set
	var blocks uint64
	for len(xs) >= pairBlock {
		v := sumBlock((*[pairBlock]E)(xs))
		k := 0
		for n := blocks; n&1 == 1; n >>= 1 {
			v = level[k] + v
			k++
		}
		level[k] = v
		blocks++
		xs = xs[pairBlock:]
	}
	t := sumShort(xs)
	for k := 0; blocks != 0; k, blocks = k+1, blocks>>1 {
		if blocks&1 == 1 {
			t = level[k] + t
		}
	}
	return t
}

// sumBlock adds one block of pairBlock values.
func sumBlock[E number](b *[pairBlock]E) float64 {
	var s0, s1, s2, s3 float64
	for i := 0; i < pairBlock; i += 8 {
		s0 += float64(b[i]) + float64(b[i+1])
		s1 += float64(b[i+2]) + float64(b[i+3])
		s2 += float64(b[i+4]) + float64(b[i+5])
		s3 += float64(b[i+6]) + float64(b[i+7])
	}
	return (s0 + s1) + (s2 + s3)
}

// sumShort adds fewer than a few hundred values with eight accumulators.
func sumShort[E number](xs []E) float64 {
	var s0, s1, s2, s3, s4, s5, s6, s7 float64
	for len(xs) >= 8 {
		s0 += float64(xs[0])
		s1 += float64(xs[1])
		s2 += float64(xs[2])
		s3 += float64(xs[3])
		s4 += float64(xs[4])
		s5 += float64(xs[5])
		s6 += float64(xs[6])
		s7 += float64(xs[7])
		xs = xs[8:]
	}
	for i, x := range xs {
		switch i & 3 {
		case 0:
			s0 += float64(x)
		case 1:
			s1 += float64(x)
		case 2:
			s2 += float64(x)
		default:
			s3 += float64(x)
		}
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

// sumSkipNaN returns the sum of the values of xs that are not NaN, in
// float64 and pairwise as sumFloat adds, and how many NaNs it left out.
func sumSkipNaN[E number](xs []E) (float64, int) {
	var level [64]float64
	var blocks uint64
	nan := 0
	var b [pairBlock]float64
	for len(xs) > 0 {
		n := 0
		for _, x := range xs[:min(pairBlock, len(xs))] {
			if x != x {
				nan++
				continue
			}
			b[n] = float64(x)
			n++
		}
		xs = xs[min(pairBlock, len(xs)):]
		v := sumShort(b[:n])
		k := 0
		for m := blocks; m&1 == 1; m >>= 1 {
			v = level[k] + v
			k++
		}
		level[k] = v
		blocks++
	}
	t := 0.0
	for k := 0; blocks != 0; k, blocks = k+1, blocks>>1 {
		if blocks&1 == 1 {
			t = level[k] + t
		}
	}
	return t, nan
}

// compensated adds v to the sum s and its rounding error to c (Knuth's
// TwoSum, exact and free of branches), so that the partial sums of chunks
// and runs add up with almost no error of their own.
func compensated(s, c *float64, v float64) {
	t := *s + v
	bp := t - *s
	*c += (*s - (t - bp)) + (v - bp)
	*s = t
}

// mergeCompensated adds the compensated sum (bs, bc) to (s, c): the sum
// with TwoSum, the compensations, which are small, by plain addition.
func mergeCompensated(s, c *float64, bs, bc float64) {
	compensated(s, c, bs)
	if bc-bc == 0 {
		// Once a sum is infinite its compensation is NaN, and means
		// nothing.
		*c += bc
	}
}

// total returns a compensated sum. Once the sum is infinite or NaN the
// compensation means nothing (it is NaN itself).
func total(s, c float64) float64 {
	if s-s != 0 {
		return s
	}
	return s + c
}

// resize returns s with length n and every element zero.
func resize[S ~[]E, E any](s S, n int) S {
	if cap(s) < n {
		return make(S, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// tileWidth is how many columns an outer kernel adds up at once: their
// float64 sums (256 KiB) stay in the second-level cache while rows stream
// past, and each row's part is long enough for the processor's prefetcher.
const tileWidth = 1 << 15

// fsum sums real values in float64: the sum, the mean and their NaN-skipping
// forms, and the count of NaNs.
type fsum[E number] struct {
	s, c []float64 // sum and compensation per cell
	nan  []int64   // NaNs per cell, when skip
	skip bool      // leave NaNs out of the sums, and count them
}

func (a *fsum[E]) reset(n int) {
	a.s, a.c = resize(a.s, n), resize(a.c, n)
	if a.skip {
		a.nan = resize(a.nan, n)
	}
}

func (a *fsum[E]) inner(_ *scratch, c int, xs []E, m, L int) {
	for i := range m {
		run := xs[i*L : (i+1)*L]
		v := sumFloat(run)
		if a.skip && v != v {
			// A NaN, or infinities of both signs: add again, leaving
			// NaNs out. NaNs are rare, so the fast loop comes first.
			var n int
			v, n = sumSkipNaN(run)
			a.nan[c+i] += int64(n)
		}
		compensated(&a.s[c+i], &a.c[c+i], v)
	}
}

func (a *fsum[E]) outer(sc *scratch, c int, xs []E, m, L int) {
	for j0 := 0; j0 < L; j0 += tileWidth {
		w := min(tileWidth, L-j0)
		t := sc.floats(0, w)
		clear(t)
		if a.skip {
			nan := a.nan[c+j0 : c+j0+w]
			for i := range m {
				r := xs[i*L+j0 : i*L+j0+w]
				for j, x := range r {
					if x != x {
						nan[j]++
						continue
					}
					t[j] += float64(x)
				}
			}
		} else if itemSize[E]() == 4 {
			addRowPairs(t, cast[float32](xs[j0:]), m, L)
		} else {
			addRows(t, xs[j0:], m, L)
		}
		// A chunk's rows come in few slabs (one when they lie in
		// memory in order): plain additions suffice here, and chunks
		// are merged with compensation.
		s := a.s[c+j0 : c+j0+w]
		s = s[:len(t)]
		for j, v := range t {
			s[j] += v
		}
	}
}

// addRows adds m rows of len(t) elements, L apart in xs, into t, eight
// rows at a time, so that each element of t is loaded and stored once per
// eight elements read and the loop's own work is spread over eight.
func addRows[E number](t []float64, xs []E, m, L int) {
	w := len(t)
	i := 0
	for ; i+8 <= m; i += 8 {
		// Equal lengths let the compiler drop the bounds checks.
		r0 := xs[i*L : i*L+w][:len(t)]
		r1 := xs[(i+1)*L : (i+1)*L+w][:len(t)]
		r2 := xs[(i+2)*L : (i+2)*L+w][:len(t)]
		r3 := xs[(i+3)*L : (i+3)*L+w][:len(t)]
		r4 := xs[(i+4)*L : (i+4)*L+w][:len(t)]
		r5 := xs[(i+5)*L : (i+5)*L+w][:len(t)]
		r6 := xs[(i+6)*L : (i+6)*L+w][:len(t)]
		r7 := xs[(i+7)*L : (i+7)*L+w][:len(t)]
		for j := range t {
			t[j] += ((float64(r0[j]) + float64(r1[j])) + (float64(r2[j]) + float64(r3[j]))) +
				((float64(r4[j]) + float64(r5[j])) + (float64(r6[j]) + float64(r7[j])))
		}
	}
	for ; i < m; i++ {
		r := xs[i*L : i*L+w][:len(t)]
		for j := range t {
			t[j] += float64(r[j])
		}
	}
}

// addRowPairs is addRows for float32 rows, which it adds in pairs in
// float32 before going to float64: a quarter fewer instructions, the
// difference between keeping up with the memory or not when every core
// reduces frames. Each pair's sum is rounded once, by at most half a unit
// in the last place of float32; over many rows these errors are of both
// signs and cancel, and at worst they move the mean by one unit in its
// last place. (Adding the rows one at a time in float32, as NumPy does,
// errs by up to as many units as there are rows.)
func addRowPairs(t []float64, xs []float32, m, L int) {
	w := len(t)
	i := 0
	for ; i+8 <= m; i += 8 {
		r0 := xs[i*L : i*L+w][:len(t)]
		r1 := xs[(i+1)*L : (i+1)*L+w][:len(t)]
		r2 := xs[(i+2)*L : (i+2)*L+w][:len(t)]
		r3 := xs[(i+3)*L : (i+3)*L+w][:len(t)]
		r4 := xs[(i+4)*L : (i+4)*L+w][:len(t)]
		r5 := xs[(i+5)*L : (i+5)*L+w][:len(t)]
		r6 := xs[(i+6)*L : (i+6)*L+w][:len(t)]
		r7 := xs[(i+7)*L : (i+7)*L+w][:len(t)]
		for j := range t {
			t[j] += (float64(r0[j]+r1[j]) + float64(r2[j]+r3[j])) + (float64(r4[j]+r5[j]) + float64(r6[j]+r7[j]))
		}
	}
	if i < m {
		addRows(t, xs[i*L:], m-i, L)
	}
}

func (a *fsum[E]) merge(o acc[E], to []int) {
	b := o.(*fsum[E])
	for j := range b.s {
		k := cellAt(to, j)
		mergeCompensated(&a.s[k], &a.c[k], b.s[j], b.c[j])
	}
	for j := range b.nan {
		a.nan[cellAt(to, j)] += b.nan[j]
	}
}

// sum returns the sum of cell j.
func (a *fsum[E]) sum(j int) float64 { return total(a.s[j], a.c[j]) }

// csum sums complex values in complex128.
type csum[E complexNum] struct {
	s    []complex128
	nan  []int64
	skip bool
}

func (a *csum[E]) reset(n int) {
	a.s = resize(a.s, n)
	if a.skip {
		a.nan = resize(a.nan, n)
	}
}

// divReal returns z/n as NumPy divides a complex number by a count: the
// count becomes the complex n+0i and Smith's algorithm multiplies the
// other part by its zero imaginary part, so that an infinite part of z
// makes both parts NaN. Go's division, which follows C's Annex G, would
// keep the infinity.
func divReal(z complex128, n float64) complex128 {
	return complex((real(z)+imag(z)*0)/n, (imag(z)-real(z)*0)/n)
}

// isNaNC reports whether either part of x is NaN, as NumPy's isnan does
// for complex numbers.
func isNaNC(x complex128) bool { return real(x) != real(x) || imag(x) != imag(x) }

func (a *csum[E]) inner(_ *scratch, c int, xs []E, m, L int) {
	for i := range m {
		var s0, s1 complex128
		run := xs[i*L : (i+1)*L]
		for k, x := range run {
			z := complex128(x)
			if a.skip && isNaNC(z) {
				a.nan[c+i]++
				continue
			}
			if k&1 == 0 {
				s0 += z
			} else {
				s1 += z
			}
		}
		a.s[c+i] += s0 + s1
	}
}

func (a *csum[E]) outer(_ *scratch, c int, xs []E, m, L int) {
	s := a.s[c : c+L]
	for i := range m {
		for j, x := range xs[i*L : (i+1)*L] {
			z := complex128(x)
			if a.skip && isNaNC(z) {
				a.nan[c+j]++
				continue
			}
			s[j] += z
		}
	}
}

func (a *csum[E]) merge(o acc[E], to []int) {
	b := o.(*csum[E])
	for j := range b.s {
		a.s[cellAt(to, j)] += b.s[j]
	}
	for j := range b.nan {
		a.nan[cellAt(to, j)] += b.nan[j]
	}
}

// isum sums integers exactly, in 128 bits: NumPy's sum (which wraps around
// in 64 bits) is the low half, and the mean is exact before its one
// rounding to float64.
type isum[E integer] struct {
	lo []uint64
	hi []int64
}

func (a *isum[E]) reset(n int) { a.lo, a.hi = resize(a.lo, n), resize(a.hi, n) }

// add128 adds the 128-bit number (hi, lo) to cell j.
func (a *isum[E]) add128(j int, lo uint64, hi int64) {
	var carry uint64
	a.lo[j], carry = bits.Add64(a.lo[j], lo, 0)
	a.hi[j] += hi + int64(carry)
}

// add adds v to cell j.
func (a *isum[E]) add(j int, v int64) { a.add128(j, uint64(v), v>>63) }

// value returns cell j as a float64, rounded once.
func (a *isum[E]) value(j int) float64 {
	lo, hi := a.lo[j], a.hi[j]
	neg := hi < 0
	if neg {
		// Negate the 128-bit number to round its magnitude.
		var b uint64
		lo, b = bits.Sub64(0, lo, 0)
		hi = -hi - int64(b)
	}
	var f float64
	if hi == 0 {
		f = float64(lo)
	} else {
		// Keep the 64 leading bits and a sticky bit for what is below,
		// so that the conversion rounds as if all 128 were there.
		// (A shift by 64 gives 0.)
		s := uint(bits.LeadingZeros64(uint64(hi)))
		top := uint64(hi)<<s | lo>>(64-s)
		if lo<<s != 0 {
			top |= 1
		}
		f = math.Ldexp(float64(top), 64-int(s))
	}
	if neg {
		return -f
	}
	return f
}

func (a *isum[E]) inner(_ *scratch, c int, xs []E, m, L int) {
	for i := range m {
		run := xs[i*L : (i+1)*L]
		if itemSize[E]() == 8 {
			lo, hi := sum128(run)
			a.add128(c+i, lo, hi)
			continue
		}
		for len(run) > 0 {
			n := min(len(run), 1<<24)
			a.add(c+i, sumInt64(run[:n]))
			run = run[n:]
		}
	}
}

// sumInt64 adds integers of 32 bits or fewer with four accumulators; the
// caller keeps the length under 2²⁴ so that the sums cannot overflow.
func sumInt64[E integer](xs []E) int64 {
	var s0, s1, s2, s3 int64
	for len(xs) >= 4 {
		s0 += int64(xs[0])
		s1 += int64(xs[1])
		s2 += int64(xs[2])
		s3 += int64(xs[3])
		xs = xs[4:]
	}
	for _, x := range xs {
		s0 += int64(x)
	}
	return (s0 + s1) + (s2 + s3)
}

// sum128 adds 64-bit integers exactly into 128 bits.
func sum128[E integer](xs []E) (uint64, int64) {
	var lo0, lo1 uint64
	var hi0, hi1 int64
	signed := ^E(0) < 0
	for len(xs) >= 2 {
		x0, x1 := uint64(xs[0]), uint64(xs[1])
		var c0, c1 uint64
		lo0, c0 = bits.Add64(lo0, x0, 0)
		lo1, c1 = bits.Add64(lo1, x1, 0)
		hi0 += int64(c0)
		hi1 += int64(c1)
		if signed {
			hi0 += int64(x0) >> 63
			hi1 += int64(x1) >> 63
		}
		xs = xs[2:]
	}
	for _, x := range xs {
		var c0 uint64
		lo0, c0 = bits.Add64(lo0, uint64(x), 0)
		hi0 += int64(c0)
		if signed {
			hi0 += int64(x) >> 63
		}
	}
	lo, c := bits.Add64(lo0, lo1, 0)
	return lo, hi0 + hi1 + int64(c)
}

func (a *isum[E]) outer(sc *scratch, c int, xs []E, m, L int) {
	if itemSize[E]() == 8 {
		for i := range m {
			for j, x := range xs[i*L : (i+1)*L] {
				hi := int64(0)
				if ^E(0) < 0 {
					hi = int64(x) >> 63
				}
				a.add128(c+j, uint64(x), hi)
			}
		}
		return
	}
	for j0 := 0; j0 < L; j0 += tileWidth {
		w := min(tileWidth, L-j0)
		t := sc.ints(0, w)
		for i0 := 0; i0 < m; i0 += 1 << 24 {
			clear(t)
			for i := i0; i < min(m, i0+1<<24); i++ {
				r := xs[i*L+j0 : i*L+j0+w]
				for j := range t {
					t[j] += int64(r[j])
				}
			}
			for j, v := range t {
				a.add(c+j0+j, v)
			}
		}
	}
}

func (a *isum[E]) merge(o acc[E], to []int) {
	b := o.(*isum[E])
	for j := range b.lo {
		a.add128(cellAt(to, j), b.lo[j], b.hi[j])
	}
}

// f16to32 converts float16 values to float32, exactly, as
// layout.Float16.Float32 does, in a loop the compiler keeps free of calls.
func f16to32(dst []float32, src []layout.Float16) {
	dst = dst[:len(src)]
	for i, h := range src {
		sign := uint32(h&0x8000) << 16
		exp := uint32(h) & 0x7c00
		mant := uint32(h) & 0x3ff
		var b uint32
		switch exp {
		case 0x7c00: // infinity or NaN, payload kept
			b = sign | 0x7f800000 | mant<<13
		case 0: // zero or subnormal: mant units of 2⁻²⁴
			b = sign | math.Float32bits(float32(mant)*(1.0/(1<<24)))
		default:
			b = sign | (exp<<13 + (127-15)<<23) | mant<<13
		}
		dst[i] = math.Float32frombits(b)
	}
}
