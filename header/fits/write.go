package fits

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// New returns a primary HDU for an array of dtype dt and the given shape
// (NAXISn, ..., NAXIS1), with no scaling and no cards of its own. dt must
// be one FITS stores: uint8, or big-endian int16, int32, int64, float32 or
// float64. Unsigned 16- to 64-bit integers and int8 are stored by FITS as
// the signed type of the same size offset by BZERO, which would change
// every value written; write those as the signed type with Scale set to
// {Slope: 1, Inter: 2^(bits-1)} (or -128 for int8 over uint8) instead.
func New(dt layout.DType, shape []int) (*HDU, error) {
	bitpix, ok := bitpixOf(dt)
	if !ok {
		return nil, fmt.Errorf("fits: dtype %v is not one FITS stores (uint8, or big-endian int16, int32, int64, float32, float64)", dt)
	}
	if len(shape) > maxAxes {
		return nil, fmt.Errorf("fits: shape has %d axes, more than %d", len(shape), maxAxes)
	}
	axes := make([]int, len(shape))
	for i, d := range shape {
		if d < 0 {
			return nil, fmt.Errorf("fits: shape %v has a negative dimension", shape)
		}
		axes[len(shape)-1-i] = d
	}
	if _, err := layout.ByteSize(shape, dt.Size); err != nil {
		return nil, fmt.Errorf("fits: shape %v: %w", shape, err)
	}
	return &HDU{
		ExtName: "PRIMARY",
		ExtVer:  1,
		Image:   len(shape) > 0,
		Array:   header.Header{DType: dt, Shape: slices.Clone(shape)},
		BitPix:  bitpix,
		Axes:    axes,
		Scale:   header.Scale{Slope: 1},
	}, nil
}

func bitpixOf(dt layout.DType) (int, bool) {
	if dt.Kind == layout.Uint && dt.Size == 1 {
		return 8, true
	}
	if dt.Order != layout.BigEndian {
		return 0, false
	}
	switch {
	case dt.Kind == layout.Int && dt.Size <= 8 && dt.Size >= 2:
		return 8 * dt.Size, true
	case dt.Kind == layout.Float && (dt.Size == 4 || dt.Size == 8):
		return -8 * dt.Size, true
	}
	return 0, false
}

// structural are the keywords Encode writes from the HDU's fields, and
// skips when they are among its Cards.
func structural(key string) bool {
	switch key {
	case "SIMPLE", "XTENSION", "BITPIX", "NAXIS", "EXTEND", "BSCALE", "BZERO", "PCOUNT", "GCOUNT", "GROUPS", "END":
		return true
	}
	rest, ok := strings.CutPrefix(key, "NAXIS")
	return ok && rest != "" && strings.Trim(rest, "0123456789") == ""
}

// Encode returns the header of h as the primary HDU of a FITS file: SIMPLE,
// BITPIX, NAXIS and NAXISn from Array, EXTEND, BSCALE and BZERO when Scale
// is not the identity, then h's Cards but for those keywords, then END,
// padded with spaces to a whole number of blocks. The data follows it
// (big-endian, NAXIS1 fastest: Array's C order), then [Padding].
//
// Cards whose keyword is not 1 to 8 of A-Z, 0-9, "-" and "_", whose text
// is not printable ASCII, or that do not fit in 80 bytes give an error.
func (h *HDU) Encode() ([]byte, error) {
	bitpix, ok := bitpixOf(h.Array.DType)
	if !ok {
		return nil, fmt.Errorf("fits: dtype %v is not one FITS stores", h.Array.DType)
	}
	if h.Array.FortranOrder {
		return nil, fmt.Errorf("fits: the array must be in C order (NAXIS1 fastest)")
	}
	for _, v := range []float64{h.Scale.Slope, h.Scale.Inter} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("fits: scale %+v is not finite", h.Scale)
		}
	}
	shape := h.Array.Shape
	cards := []Card{
		{Key: "SIMPLE", Value: "T", Comment: "conforms to FITS standard"},
		{Key: "BITPIX", Value: strconv.Itoa(bitpix), Comment: "array data type"},
		{Key: "NAXIS", Value: strconv.Itoa(len(shape)), Comment: "number of array dimensions"},
	}
	for i := range shape {
		cards = append(cards, Card{Key: "NAXIS" + strconv.Itoa(i+1), Value: strconv.Itoa(shape[len(shape)-1-i])})
	}
	cards = append(cards, Card{Key: "EXTEND", Value: "T"})
	if !h.Scale.Identity() {
		cards = append(cards, Card{Key: "BSCALE", Value: formatFloat(h.Scale.Slope)}, Card{Key: "BZERO", Value: formatFloat(h.Scale.Inter)})
	}
	for _, c := range h.Cards {
		if !structural(c.Key) {
			cards = append(cards, c)
		}
	}
	var b bytes.Buffer
	for _, c := range cards {
		line, err := formatCard(c)
		if err != nil {
			return nil, err
		}
		b.Write(line)
	}
	b.WriteString("END")
	for b.Len()%BlockSize != 0 {
		b.WriteByte(' ')
	}

	// What parses back must be the array h promises.
	out := b.Bytes()
	f, err := Read(bytes.NewReader(out), int64(len(out))+h.Array.DataSize())
	if err != nil {
		return nil, fmt.Errorf("fits: encoded header does not read: %w", err)
	}
	got := f.HDUs[0]
	if len(shape) > 0 && (!got.Array.DType.Equal(h.Array.DType) || !slices.Equal(got.Array.Shape, shape)) || got.Scale != h.Scale {
		return nil, fmt.Errorf("fits: encoded header describes %v of shape %v scaled by %+v, not %v of shape %v scaled by %+v",
			got.Array.DType, got.Array.Shape, got.Scale, h.Array.DType, shape, h.Scale)
	}
	return out, nil
}

// Padding returns the zero bytes that follow dataSize bytes of data to
// fill the last block.
func Padding(dataSize int64) []byte {
	return make([]byte, (BlockSize-dataSize%BlockSize)%BlockSize)
}

// formatFloat writes v so that FITS reads it as a real number: with a
// decimal point or an exponent.
func formatFloat(v float64) string {
	s := strconv.FormatFloat(v, 'G', -1, 64)
	if !strings.ContainsAny(s, ".EN") {
		s += ".0"
	}
	return s
}

// formatCard writes c in the fixed format of the FITS standard: a value
// right-justified to column 30 or a quoted string from column 11, then the
// comment after " / ".
func formatCard(c Card) ([]byte, error) {
	if c.Key == "" || len(c.Key) > 8 || strings.Trim(c.Key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		return nil, fmt.Errorf("fits: keyword %q is not 1 to 8 of A-Z, 0-9, - and _", c.Key)
	}
	for _, s := range []string{c.Value, c.Comment} {
		for i := 0; i < len(s); i++ {
			if s[i] < ' ' || s[i] > '~' {
				return nil, fmt.Errorf("fits: card %s holds %q, which is not printable ASCII", c.Key, s)
			}
		}
	}
	line := fmt.Sprintf("%-8s", c.Key)
	switch {
	case c.Key == "COMMENT" || c.Key == "HISTORY":
		if c.Value != "" || c.Quoted {
			return nil, fmt.Errorf("fits: %s card has a value", c.Key)
		}
		line += "  " + c.Comment
	case c.Quoted:
		s := strings.ReplaceAll(c.Value, "'", "''")
		line += fmt.Sprintf("= '%-8s'", s)
	default:
		if c.Value == "" || strings.ContainsAny(c.Value, "/'") {
			return nil, fmt.Errorf("fits: card %s has value %q, which is not a number or logical", c.Key, c.Value)
		}
		line += fmt.Sprintf("= %20s", c.Value)
	}
	if c.Comment != "" && c.Key != "COMMENT" && c.Key != "HISTORY" {
		line += " / " + c.Comment
	}
	if len(line) > CardSize {
		return nil, fmt.Errorf("fits: card %s is %d bytes, more than %d", c.Key, len(line), CardSize)
	}
	return []byte(fmt.Sprintf("%-80s", line)), nil
}
