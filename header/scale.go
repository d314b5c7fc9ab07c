package header

// Scale is a linear map from the numbers stored in a file to the values
// they stand for: value = Slope*stored + Inter. Formats that store scaled
// integers keep one in their metadata (FITS BSCALE and BZERO, NIfTI
// scl_slope and scl_inter, gains of electrophysiology recorders), so that
// the raw view of the data stays zero-copy and the scaling is applied only
// where values are read as floats.
//
// The zero Scale maps every value to 0; use [Scale.Identity] to test for the
// map that leaves values unchanged, Scale{Slope: 1}.
type Scale struct {
	Slope float64 // multiplier of the stored value
	Inter float64 // added after multiplying
}

// Identity reports whether s leaves every value unchanged: Slope 1 and
// Inter 0. A reader may then use the stored values as they are.
func (s Scale) Identity() bool { return s.Slope == 1 && s.Inter == 0 }

// Apply returns the value that the stored number x stands for:
// Slope*x + Inter. It is computed as written, without a fused multiply-add,
// so that it matches NumPy's x * slope + inter bit for bit.
func (s Scale) Apply(x float64) float64 { return float64(s.Slope*x) + s.Inter }
