package reduce

import (
	"math"
	"math/bits"
)

// The variance is never taken from a running sum of squares, which loses
// every digit when the mean is large beside the spread. A block of values
// that fits in the cache is read twice — once for its mean, once for the
// squared deviations from it — and the blocks' (count, mean, squared
// deviations) are merged with Chan, Golub and LeVeque's formula, which is
// exact in exact arithmetic and stable in floating point. Small integers
// are summed exactly instead, squares included, and a block's squared
// deviations come from those exact sums with one rounding.

// varBlock is the length of the blocks of a run read twice by rvar: 32 KiB
// of float64, which stays in the first-level cache between the reads.
const varBlock = 4096

// varTileBytes bounds the bytes of a tile (rows by columns) that an outer
// kernel reads twice.
const varTileBytes = 64 << 10

// moments is the state of the variance of real values per cell: the count,
// the mean and the sum of squared deviations from it, merged block by block;
// and the compensated sum of the values, which gives the mean that the
// NaN-skipping statistics report (it stays infinite, as NumPy's does, when
// the values hold infinities of one sign, where the merged mean would turn
// to NaN).
type moments struct {
	n    []int64
	mean []float64
	m2   []float64
	s, c []float64
	nan  []int64
	skip bool
}

func (a *moments) reset(n int) {
	a.n, a.mean, a.m2 = resize(a.n, n), resize(a.mean, n), resize(a.m2, n)
	a.s, a.c = resize(a.s, n), resize(a.c, n)
	if a.skip {
		a.nan = resize(a.nan, n)
	}
}

// add merges a block of nb values with sum sum, mean mb and squared
// deviations m2b into cell j.
func (a *moments) add(j int, nb int64, sum, mb, m2b float64) {
	if nb == 0 {
		return
	}
	compensated(&a.s[j], &a.c[j], sum)
	na := a.n[j]
	if na == 0 {
		a.n[j], a.mean[j], a.m2[j] = nb, mb, m2b
		return
	}
	n := na + nb
	d := mb - a.mean[j]
	f := float64(nb) / float64(n)
	a.mean[j] += d * f
	a.m2[j] += m2b + d*d*float64(na)*f
	a.n[j] = n
}

func (a *moments) mergeMoments(b *moments, to []int) {
	for j := range b.n {
		if b.n[j] == 0 {
			continue
		}
		k := cellAt(to, j)
		// The partial sum goes in with its compensation.
		a.add(k, b.n[j], 0, b.mean[j], b.m2[j])
		mergeCompensated(&a.s[k], &a.c[k], b.s[j], b.c[j])
	}
	for j := range b.nan {
		a.nan[cellAt(to, j)] += b.nan[j]
	}
}

// sumOf returns the sum of the values of cell j.
func (a *moments) sumOf(j int) float64 { return total(a.s[j], a.c[j]) }

// variance returns the sum of squared deviations of cell j divided by
// n-ddof, as NumPy's var does (infinite or NaN when n <= ddof).
func (a *moments) variance(j, ddof int) float64 {
	return a.m2[j] / float64(max(a.n[j]-int64(ddof), 0))
}

// rvar is the variance of real values, computed in float64.
type rvar[E number] struct{ moments }

func (a *rvar[E]) merge(o acc[E], to []int) { a.mergeMoments(&o.(*rvar[E]).moments, to) }

func (a *rvar[E]) inner(_ *scratch, c int, xs []E, m, L int) {
	for i := range m {
		run := xs[i*L : (i+1)*L]
		for len(run) > 0 {
			b := run[:min(varBlock, len(run))]
			run = run[len(b):]
			s := sumFloat(b)
			n, nan := len(b), 0
			if a.skip && s != s {
				s, nan = sumSkipNaN(b)
				n -= nan
				a.nan[c+i] += int64(nan)
			}
			if n == 0 {
				continue
			}
			mb := s / float64(n)
			var q float64
			if nan > 0 {
				q = sqDevSkipNaN(b, mb)
			} else {
				q = sqDev(b, mb)
			}
			a.add(c+i, int64(n), s, mb, q)
		}
	}
}

// sqDev returns the sum of the squared deviations of xs from mean.
func sqDev[E number](xs []E, mean float64) float64 {
	var q0, q1, q2, q3 float64
	for len(xs) >= 4 {
		d0 := float64(xs[0]) - mean
		d1 := float64(xs[1]) - mean
		d2 := float64(xs[2]) - mean
		d3 := float64(xs[3]) - mean
		q0 += d0 * d0
		q1 += d1 * d1
		q2 += d2 * d2
		q3 += d3 * d3
		xs = xs[4:]
	}
	for _, x := range xs {
		d := float64(x) - mean
		q0 += d * d
	}
	return (q0 + q1) + (q2 + q3)
}

// sqDevSkipNaN is sqDev leaving NaNs out.
func sqDevSkipNaN[E number](xs []E, mean float64) float64 {
	var q float64
	for _, x := range xs {
		if x == x {
			d := float64(x) - mean
			q += d * d
		}
	}
	return q
}

func (a *rvar[E]) outer(sc *scratch, c int, xs []E, m, L int) {
	w := min(L, tileWidth)
	rb := max(1, varTileBytes/(w*itemSize[E]()))
	for j0 := 0; j0 < L; j0 += w {
		ww := min(w, L-j0)
		for i0 := 0; i0 < m; i0 += rb {
			rows := min(rb, m-i0)
			tile := xs[i0*L+j0:]
			t := sc.floats(0, ww)
			clear(t)
			addRows(t, tile, rows, L)
			careful := false
			if a.skip {
				for _, v := range t {
					if v != v {
						careful = true
						break
					}
				}
			}
			mean, q := sc.floats(1, ww), sc.floats(2, ww)
			clear(q)
			if !careful {
				for j, v := range t {
					mean[j] = v / float64(rows)
				}
				sqDevRows(q, mean, tile, rows, L)
				for j := range t {
					a.add(c+j0+j, int64(rows), t[j], mean[j], q[j])
				}
				continue
			}
			// NaNs in the tile: count and leave them out, column by
			// column.
			n := sc.ints(0, ww)
			clear(n)
			clear(t)
			for i := range rows {
				for j, x := range tile[i*L : i*L+ww] {
					if x == x {
						t[j] += float64(x)
						n[j]++
					}
				}
			}
			for j := range t {
				mean[j] = t[j] / float64(n[j])
			}
			for i := range rows {
				for j, x := range tile[i*L : i*L+ww] {
					if x == x {
						d := float64(x) - mean[j]
						q[j] += d * d
					}
				}
			}
			for j := range t {
				a.nan[c+j0+j] += int64(rows) - n[j]
				a.add(c+j0+j, n[j], t[j], mean[j], q[j])
			}
		}
	}
}

// sqDevRows adds the squared deviations from mean of m rows of len(q)
// elements, L apart in xs, into q.
func sqDevRows[E number](q, mean []float64, xs []E, m, L int) {
	w := len(q)
	mean = mean[:w]
	i := 0
	for ; i+2 <= m; i += 2 {
		r0 := xs[i*L : i*L+w]
		r1 := xs[(i+1)*L : (i+1)*L+w]
		r0, r1 = r0[:len(q)], r1[:len(q)]
		for j := range q {
			d0 := float64(r0[j]) - mean[j]
			d1 := float64(r1[j]) - mean[j]
			q[j] += d0*d0 + d1*d1
		}
	}
	for ; i < m; i++ {
		r := xs[i*L : i*L+w]
		r = r[:len(q)]
		for j := range q {
			d := float64(r[j]) - mean[j]
			q[j] += d * d
		}
	}
}

// svar is the variance of integers of 16 bits or fewer, from exact sums of
// the values and their squares over blocks of up to 2¹⁶ values.
type svar[E tinyInt] struct{ moments }

func (a *svar[E]) merge(o acc[E], to []int) { a.mergeMoments(&o.(*svar[E]).moments, to) }

// svarBlock is the most values whose squares svar sums in an int64.
const svarBlock = 1 << 16

// addExact merges the n values of sum s and sum of squares q into cell j.
func (a *svar[E]) addExact(j int, n, s, q int64) {
	if n == 0 {
		return
	}
	// n·Σx² − (Σx)² is n times the squared deviations, exactly; it
	// needs up to 128 bits.
	hi1, lo1 := bits.Mul64(uint64(n), uint64(q))
	as := uint64(s)
	if s < 0 {
		as = uint64(-s)
	}
	hi2, lo2 := bits.Mul64(as, as)
	lo, borrow := bits.Sub64(lo1, lo2, 0)
	hi, _ := bits.Sub64(hi1, hi2, borrow)
	d := math.Ldexp(float64(hi), 64) + float64(lo)
	a.add(j, n, float64(s), float64(s)/float64(n), d/float64(n))
}

func (a *svar[E]) inner(_ *scratch, c int, xs []E, m, L int) {
	for i := range m {
		run := xs[i*L : (i+1)*L]
		for len(run) > 0 {
			b := run[:min(svarBlock, len(run))]
			run = run[len(b):]
			n := int64(len(b))
			var s0, s1, q0, q1 int64
			for len(b) >= 2 {
				x0, x1 := int64(b[0]), int64(b[1])
				s0 += x0
				s1 += x1
				q0 += x0 * x0
				q1 += x1 * x1
				b = b[2:]
			}
			for _, x := range b {
				s0 += int64(x)
				q0 += int64(x) * int64(x)
			}
			a.addExact(c+i, n, s0+s1, q0+q1)
		}
	}
}

func (a *svar[E]) outer(sc *scratch, c int, xs []E, m, L int) {
	for j0 := 0; j0 < L; j0 += tileWidth {
		w := min(tileWidth, L-j0)
		ts, tq := sc.ints(0, w), sc.ints(1, w)
		for i0 := 0; i0 < m; i0 += svarBlock {
			rows := min(svarBlock, m-i0)
			clear(ts)
			clear(tq)
			tile := xs[i0*L+j0:]
			i := 0
			for ; i+4 <= rows; i += 4 {
				r0 := tile[i*L : i*L+w]
				r1 := tile[(i+1)*L : (i+1)*L+w]
				r2 := tile[(i+2)*L : (i+2)*L+w]
				r3 := tile[(i+3)*L : (i+3)*L+w]
				// Equal lengths let the compiler drop the bounds checks.
				r0, r1, r2, r3 = r0[:len(ts)], r1[:len(ts)], r2[:len(ts)], r3[:len(ts)]
				tq := tq[:len(ts)]
				for j := range ts {
					x0, x1, x2, x3 := int64(r0[j]), int64(r1[j]), int64(r2[j]), int64(r3[j])
					ts[j] += (x0 + x1) + (x2 + x3)
					tq[j] += (x0*x0 + x1*x1) + (x2*x2 + x3*x3)
				}
			}
			for ; i < rows; i++ {
				r := tile[i*L : i*L+w]
				r = r[:len(ts)]
				tq := tq[:len(ts)]
				for j := range ts {
					x := int64(r[j])
					ts[j] += x
					tq[j] += x * x
				}
			}
			for j := range ts {
				a.addExact(c+j0+j, int64(rows), ts[j], tq[j])
			}
		}
	}
}

// cvar is the variance of complex values: the mean of the squared moduli
// of the deviations from the complex mean, as NumPy defines it.
type cvar[E complexNum] struct {
	n    []int64
	mean []complex128
	m2   []float64
	nan  []int64
	skip bool
}

func (a *cvar[E]) reset(n int) {
	a.n, a.mean, a.m2 = resize(a.n, n), resize(a.mean, n), resize(a.m2, n)
	if a.skip {
		a.nan = resize(a.nan, n)
	}
}

// add merges nb values of mean mb and squared deviations m2b into cell j.
func (a *cvar[E]) add(j int, nb int64, mb complex128, m2b float64) {
	if nb == 0 {
		return
	}
	na := a.n[j]
	if na == 0 {
		a.n[j], a.mean[j], a.m2[j] = nb, mb, m2b
		return
	}
	n := na + nb
	d := mb - a.mean[j]
	f := float64(nb) / float64(n)
	a.mean[j] += d * complex(f, 0)
	a.m2[j] += m2b + (real(d)*real(d)+imag(d)*imag(d))*float64(na)*f
	a.n[j] = n
}

func (a *cvar[E]) inner(_ *scratch, c int, xs []E, m, L int) {
	for i := range m {
		run := xs[i*L : (i+1)*L]
		for len(run) > 0 {
			b := run[:min(varBlock, len(run))]
			run = run[len(b):]
			var s complex128
			var n int64
			for _, x := range b {
				z := complex128(x)
				if a.skip && isNaNC(z) {
					a.nan[c+i]++
					continue
				}
				s += z
				n++
			}
			if n == 0 {
				continue
			}
			mb := divReal(s, float64(n))
			var q float64
			for _, x := range b {
				z := complex128(x)
				if a.skip && isNaNC(z) {
					continue
				}
				d := z - mb
				q += real(d)*real(d) + imag(d)*imag(d)
			}
			a.add(c+i, n, mb, q)
		}
	}
}

func (a *cvar[E]) outer(_ *scratch, c int, xs []E, m, L int) {
	// Complex variances along an axis are rare: each value is merged on
	// its own, as Welford's method does.
	for i := range m {
		for j, x := range xs[i*L : (i+1)*L] {
			z := complex128(x)
			if a.skip && isNaNC(z) {
				a.nan[c+j]++
				continue
			}
			// NumPy's deviation of one value from its mean: NaN when
			// a part is infinite (see divReal) or NaN.
			d := z - divReal(z, 1)
			a.add(c+j, 1, z, real(d)*real(d)+imag(d)*imag(d))
		}
	}
}

func (a *cvar[E]) merge(o acc[E], to []int) {
	b := o.(*cvar[E])
	for j := range b.n {
		a.add(cellAt(to, j), b.n[j], b.mean[j], b.m2[j])
	}
	for j := range b.nan {
		a.nan[cellAt(to, j)] += b.nan[j]
	}
}

// variance returns the variance of cell j with ddof, as moments.variance.
func (a *cvar[E]) variance(j, ddof int) float64 {
	return a.m2[j] / float64(max(a.n[j]-int64(ddof), 0))
}
