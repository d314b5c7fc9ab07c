package reduce

import "math"

// mm is the least and greatest value of each cell, with the count of values
// and of NaNs; NaNs take no part in the comparisons, and the reductions
// decide from the counts whether the result is NaN.
type mm[E number] struct {
	lo, hi []E
	n, nan []int64
}

// extremes returns the greatest and least values of E: infinities for
// floating point.
func extremes[E number]() (least, greatest E) {
	one := E(1)
	if one/2 != 0 {
		inf := math.Inf(1)
		return E(-inf), E(inf)
	}
	bits := 8 * itemSize[E]()
	if E(0)-one < 0 {
		return E(-(int64(1) << (bits - 1))), E(int64(1)<<(bits-1) - 1)
	}
	return 0, E(^uint64(0) >> (64 - bits))
}

func (a *mm[E]) reset(n int) {
	a.lo, a.hi = resize(a.lo, n), resize(a.hi, n)
	a.n, a.nan = resize(a.n, n), resize(a.nan, n)
	least, greatest := extremes[E]()
	for j := range a.lo {
		a.lo[j], a.hi[j] = greatest, least
	}
}

// isFloat reports whether E is a floating-point type.
func isFloat[E number]() bool { return E(1)/2 != 0 }

func (a *mm[E]) inner(_ *scratch, c int, xs []E, m, L int) {
	float := isFloat[E]()
	for i := range m {
		lo, hi := a.lo[c+i], a.hi[c+i]
		run := xs[i*L : (i+1)*L]
		var nan int64
		if !float {
			// Integers have no NaN, and the builtin min and max
			// compile to conditional moves.
			lo1, hi1 := lo, hi
			for len(run) >= 2 {
				lo, hi = min(lo, run[0]), max(hi, run[0])
				lo1, hi1 = min(lo1, run[1]), max(hi1, run[1])
				run = run[2:]
			}
			lo, hi = min(lo, lo1), max(hi, hi1)
		}
		for _, x := range run {
			if x < lo {
				lo = x
			}
			if x > hi {
				hi = x
			}
			if x != x {
				nan++
			}
		}
		a.lo[c+i], a.hi[c+i] = lo, hi
		a.n[c+i] += int64(L)
		a.nan[c+i] += nan
	}
}

func (a *mm[E]) outer(_ *scratch, c int, xs []E, m, L int) {
	lo, hi, nan := a.lo[c:c+L], a.hi[c:c+L], a.nan[c:c+L]
	hi, nan = hi[:len(lo)], nan[:len(lo)]
	i := 0
	if !isFloat[E]() {
		for ; i+4 <= m; i += 4 {
			r0, r1, r2, r3 := xs[i*L:(i+1)*L], xs[(i+1)*L:(i+2)*L], xs[(i+2)*L:(i+3)*L], xs[(i+3)*L:(i+4)*L]
			r0, r1, r2, r3 = r0[:len(lo)], r1[:len(lo)], r2[:len(lo)], r3[:len(lo)]
			for j := range lo {
				x0, x1, x2, x3 := r0[j], r1[j], r2[j], r3[j]
				lo[j] = min(lo[j], min(x0, x1), min(x2, x3))
				hi[j] = max(hi[j], max(x0, x1), max(x2, x3))
			}
		}
	}
	for ; i < m; i++ {
		r := xs[i*L : (i+1)*L]
		r = r[:len(lo)]
		for j, x := range r {
			if x < lo[j] {
				lo[j] = x
			}
			if x > hi[j] {
				hi[j] = x
			}
			if x != x {
				nan[j]++
			}
		}
	}
	for j := range L {
		a.n[c+j] += int64(m)
	}
}

func (a *mm[E]) merge(o acc[E], to []int) {
	b := o.(*mm[E])
	for j := range b.lo {
		k := cellAt(to, j)
		a.lo[k] = min(a.lo[k], b.lo[j])
		a.hi[k] = max(a.hi[k], b.hi[j])
		a.n[k] += b.n[j]
		a.nan[k] += b.nan[j]
	}
}

// cmm is the least and greatest complex value of each cell, ordered as
// NumPy orders complex numbers: by real part, then by imaginary part.
type cmm[E complexNum] struct {
	lo, hi []complex128
	first  []complex128 // the first NaN of each cell, in C order
	n, nan []int64
}

// lessC orders complex numbers as NumPy does.
func lessC(a, b complex128) bool {
	return real(a) < real(b) || real(a) == real(b) && imag(a) < imag(b)
}

func (a *cmm[E]) reset(n int) {
	a.lo, a.hi, a.first = resize(a.lo, n), resize(a.hi, n), resize(a.first, n)
	a.n, a.nan = resize(a.n, n), resize(a.nan, n)
	inf := math.Inf(1)
	for j := range a.lo {
		a.lo[j], a.hi[j] = complex(inf, inf), complex(-inf, -inf)
	}
}

// add folds z into cell j.
func (a *cmm[E]) add(j int, z complex128) {
	a.n[j]++
	switch {
	case isNaNC(z):
		if a.nan[j] == 0 {
			a.first[j] = z
		}
		a.nan[j]++
	case lessC(z, a.lo[j]):
		a.lo[j] = z
		if lessC(a.hi[j], z) {
			a.hi[j] = z
		}
	case lessC(a.hi[j], z):
		a.hi[j] = z
	}
}

func (a *cmm[E]) inner(_ *scratch, c int, xs []E, m, L int) {
	for i := range m {
		for _, x := range xs[i*L : (i+1)*L] {
			a.add(c+i, complex128(x))
		}
	}
}

func (a *cmm[E]) outer(_ *scratch, c int, xs []E, m, L int) {
	for i := range m {
		for j, x := range xs[i*L : (i+1)*L] {
			a.add(c+j, complex128(x))
		}
	}
}

func (a *cmm[E]) merge(o acc[E], to []int) {
	b := o.(*cmm[E])
	for j := range b.lo {
		k := cellAt(to, j)
		if lessC(b.lo[j], a.lo[k]) {
			a.lo[k] = b.lo[j]
		}
		if lessC(a.hi[k], b.hi[j]) {
			a.hi[k] = b.hi[j]
		}
		if a.nan[k] == 0 {
			a.first[k] = b.first[j]
		}
		a.n[k] += b.n[j]
		a.nan[k] += b.nan[j]
	}
}

// desc is what Describe needs in one pass: the moments and the extremes.
type desc[E number] struct {
	v    acc[E] // *rvar[E] or *svar[E]
	mom  *moments
	ext  mm[E]
	size int // bytes per element
}

// descSlab bounds the bytes of the pieces desc hands to its two kernels in
// turn, so that the second reads them from the cache.
const descSlab = 64 << 10

func (a *desc[E]) reset(n int) {
	a.v.reset(n)
	a.ext.reset(n)
}

func (a *desc[E]) inner(sc *scratch, c int, xs []E, m, L int) {
	if L*a.size > descSlab {
		// One long run at a time, in pieces; a cell may take many.
		for i := range m {
			run := xs[i*L : (i+1)*L]
			step := descSlab / a.size
			for k := 0; k < L; k += step {
				p := run[k:min(k+step, L)]
				a.v.inner(sc, c+i, p, 1, len(p))
				a.ext.inner(sc, c+i, p, 1, len(p))
			}
		}
		return
	}
	step := max(1, descSlab/(L*a.size))
	for i := 0; i < m; i += step {
		k := min(step, m-i)
		p := xs[i*L : (i+k)*L]
		a.v.inner(sc, c+i, p, k, L)
		a.ext.inner(sc, c+i, p, k, L)
	}
}

func (a *desc[E]) outer(sc *scratch, c int, xs []E, m, L int) {
	step := max(1, descSlab/(L*a.size))
	for i := 0; i < m; i += step {
		k := min(step, m-i)
		p := xs[i*L : (i+k)*L]
		a.v.outer(sc, c, p, k, L)
		a.ext.outer(sc, c, p, k, L)
	}
}

func (a *desc[E]) merge(o acc[E], to []int) {
	b := o.(*desc[E])
	a.v.merge(b.v, to)
	a.ext.merge(&b.ext, to)
}
