package layout

import "math"

// Float16 is an IEEE 754 binary16 value, NumPy's float16 ('f2'), held as
// its bits. Its conversions agree with NumPy's bit for bit.
type Float16 uint16

// Float32 returns h as a float32, exactly. A NaN keeps its sign and its
// payload, shifted to the top of the float32 significand, as NumPy does.
func (h Float16) Float32() float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp == 0:
		// Zero or subnormal: mant units of 2⁻²⁴, exact in float32.
		f := float32(mant) * (1.0 / (1 << 24))
		return math.Float32frombits(sign | math.Float32bits(f))
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}

// Float64 returns h as a float64, exactly. A NaN keeps its sign and its
// payload, shifted to the top of the float64 significand, as NumPy does.
func (h Float16) Float64() float64 {
	sign := uint64(h&0x8000) << 48
	exp := uint64(h>>10) & 0x1f
	mant := uint64(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float64frombits(sign | 0x7ff0000000000000 | mant<<42)
	case exp == 0:
		f := float64(mant) * (1.0 / (1 << 24))
		return math.Float64frombits(sign | math.Float64bits(f))
	}
	return math.Float64frombits(sign | (exp+1023-15)<<52 | mant<<42)
}

// Float16FromFloat32 returns the float16 nearest f, ties to even. Values
// too large become infinities of the same sign, values too small signed
// zeros. A NaN keeps its sign and the top 10 bits of its payload, and
// stays a NaN if those are all zero, exactly as NumPy converts.
func Float16FromFloat32(f float32) Float16 {
	b := math.Float32bits(f)
	return fromFloatBits(uint16(b>>16)&0x8000, int(b>>23)&0xff, uint64(b&(1<<23-1)), 23, 127)
}

// Float16FromFloat64 returns the float16 nearest f, ties to even, rounding
// once from the float64 value (not through float32, which could round
// twice). Overflow, underflow and NaNs are as for Float16FromFloat32.
func Float16FromFloat64(f float64) Float16 {
	b := math.Float64bits(f)
	return fromFloatBits(uint16(b>>48)&0x8000, int(b>>52)&0x7ff, b&(1<<52-1), 52, 1023)
}

// fromFloatBits rounds a binary float given by its sign (already in place
// for a float16), biased exponent and significand of mantBits bits.
func fromFloatBits(sign uint16, exp int, mant uint64, mantBits uint, bias int) Float16 {
	if exp == 2*bias+1 { // infinity or NaN
		if mant != 0 {
			r := 0x7c00 | uint16(mant>>(mantBits-10))
			if r == 0x7c00 {
				r++ // the payload was all in the bits dropped: keep it a NaN
			}
			return Float16(sign | r)
		}
		return Float16(sign | 0x7c00)
	}
	if exp == 0 {
		// Zero, or subnormal in the input format: far below a half.
		return Float16(sign)
	}
	e := exp - bias
	if e > 15 {
		return Float16(sign | 0x7c00)
	}
	if e < -25 {
		// Below half the smallest subnormal half (2⁻²⁴): rounds to zero.
		return Float16(sign)
	}
	m := mant | 1<<mantBits
	// Number of low bits of m to drop: to 10 fraction bits for a
	// normal half, to units of 2⁻²⁴ for a subnormal one.
	shift := mantBits - 10
	if e < -14 {
		shift = mantBits - 10 + uint(-14-e)
	}
	r := m >> shift
	rem := m & (1<<shift - 1)
	half := uint64(1) << (shift - 1)
	if rem > half || rem == half && r&1 == 1 {
		r++
	}
	if e >= -14 {
		// Adding the exponent to r (whose implicit bit is 1<<10) lets a
		// carry out of the significand step the exponent up, to
		// infinity at the top.
		r += uint64(e+15-1) << 10
	}
	if r >= 0x7c00 {
		return Float16(sign | 0x7c00)
	}
	return Float16(sign | uint16(r))
}
