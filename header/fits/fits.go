package fits

import (
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// BlockSize is the size of a FITS block: headers and data each fill a
// whole number of blocks.
const BlockSize = 2880

// CardSize is the size of one header card (keyword record).
const CardSize = 80

// Limits on what Read accepts, so that a file cannot make it allocate or
// loop without bound.
const (
	MaxCards = 1 << 17 // header cards in one HDU (10 MiB of header)
	MaxHDUs  = 1 << 16 // HDUs in one file
	maxAxes  = 999     // NAXIS, as the standard bounds it
)

// Card is one header card: KEYWORD = value / comment.
type Card struct {
	Key     string // the keyword, such as "NAXIS1" or "CTYPE1"; "" for a blank card
	Value   string // the value as written, or for a quoted string its text with '' undone and trailing spaces dropped; "" when the card has none
	Quoted  bool   // Value was a quoted string
	Comment string // the comment after the value's "/", or the text of a card without a value (COMMENT, HISTORY)
	Offset  int64  // byte offset of the card in the file
}

// HDU is one header and data unit of a FITS file.
type HDU struct {
	Index    int    // position in the file: 0 for the primary HDU
	Offset   int64  // byte offset of the header
	XTension string // the extension type ("IMAGE", "BINTABLE", "TABLE", ...), or "" for the primary HDU
	ExtName  string // EXTNAME, or "PRIMARY" for a primary HDU without one, as astropy names it
	ExtVer   int    // EXTVER, 1 when absent
	Cards    []Card // the header cards in order, without END

	// Image is whether the HDU holds an image: a primary HDU or an IMAGE
	// extension with at least one axis, which is not random groups.
	Image bool

	// Array describes the data of an image HDU: where it starts, its
	// dtype (big-endian, as FITS always is) and its shape
	// (NAXISn, ..., NAXIS1) in C order, as astropy presents it.
	Array header.Header

	BitPix int   // BITPIX: 8, 16, 32, 64, -32 or -64
	Axes   []int // NAXIS1 .. NAXISn as the header lists them, fastest first

	// DataSize is the number of bytes of data the header describes,
	// without the padding to a whole block.
	DataSize int64

	// Scale maps stored values to physical ones: BSCALE and BZERO. The
	// array keeps the stored values.
	Scale header.Scale

	// Unsigned is set when BSCALE is 1 and BZERO is 2^(BITPIX-1), the
	// convention for unsigned 16-, 32- and 64-bit integers (and, for
	// BITPIX 8 with BZERO -128, signed bytes): astropy presents such data
	// as uint16, uint32, uint64 or int8, which Scale.Apply gives exactly
	// except for uint64 values above 2^53.
	Unsigned bool

	Blank    int64 // BLANK: the stored value of undefined integer pixels
	HasBlank bool
}

// File is the list of HDUs of a FITS file.
type File struct {
	HDUs []*HDU
}

// Get returns the first card with keyword key (compared without regard to
// case).
func (h *HDU) Get(key string) (Card, bool) {
	key = strings.ToUpper(key)
	for _, c := range h.Cards {
		if c.Key == key {
			return c, true
		}
	}
	return Card{}, false
}

// String returns the value of the string card key.
func (h *HDU) String(key string) (string, bool) {
	c, ok := h.Get(key)
	if !ok || !c.Quoted {
		return "", false
	}
	return c.Value, true
}

// Int returns the value of the integer card key.
func (h *HDU) Int(key string) (int64, bool) {
	c, ok := h.Get(key)
	if !ok || c.Quoted {
		return 0, false
	}
	n, err := strconv.ParseInt(c.Value, 10, 64)
	return n, err == nil
}

// Float returns the value of the numeric card key. FITS's D exponents
// ("1.5D3") are accepted.
func (h *HDU) Float(key string) (float64, bool) {
	c, ok := h.Get(key)
	if !ok || c.Quoted {
		return 0, false
	}
	return parseFloat(c.Value)
}

// Bool returns the value of the logical card key.
func (h *HDU) Bool(key string) (bool, bool) {
	c, ok := h.Get(key)
	if !ok || c.Quoted || (c.Value != "T" && c.Value != "F") {
		return false, false
	}
	return c.Value == "T", true
}

func parseFloat(s string) (float64, bool) {
	s = strings.NewReplacer("D", "E", "d", "e").Replace(s)
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// wcsKeys are the World Coordinate System keywords without their axis
// numbers and alternate-description letters.
var wcsKeys = []string{"WCSAXES", "CTYPE", "CUNIT", "CRPIX", "CRVAL", "CDELT", "CROTA", "CRDER", "CSYER",
	"PC", "CD", "PV", "PS", "LONPOLE", "LATPOLE", "RADESYS", "RADECSYS", "EQUINOX", "EPOCH",
	"WCSNAME", "MJD-OBS", "MJDREF", "DATE-OBS", "SPECSYS", "SSYSOBS", "RESTFRQ", "RESTWAV", "VELREF"}

// WCS returns the header's World Coordinate System cards (CTYPEi, CRPIXi,
// CRVALi, CDELTi, CUNITi, PCi_j, CDi_j, PVi_m, RADESYS, EQUINOX and the
// rest of the WCS papers' keywords, with their alternate letters), in
// header order, for a WCS library to interpret.
func (h *HDU) WCS() []Card {
	var out []Card
	for _, c := range h.Cards {
		if isWCS(c.Key) {
			out = append(out, c)
		}
	}
	return out
}

func isWCS(key string) bool {
	for _, k := range wcsKeys {
		rest, ok := strings.CutPrefix(key, k)
		if !ok {
			continue
		}
		// What follows the root is axis numbers (with "_" between the two
		// of PCi_j), then an optional alternate letter.
		rest = strings.TrimRight(rest, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
		if len(key)-len(rest) > len(k)+1 {
			continue // more than one trailing letter: another keyword
		}
		if strings.Trim(rest, "0123456789_") == "" {
			if (k == "PC" || k == "CD" || k == "PV" || k == "PS") && !strings.Contains(rest, "_") {
				continue
			}
			return true
		}
	}
	return false
}

// ReadFile reads the HDUs of the FITS file called name.
func ReadFile(name string) (*File, error) {
	return header.ReadFileWith(name, Read)
}

// fail returns a FormatError at byte off whose message starts with the
// package name.
func fail(off int64, format string, args ...any) *header.FormatError {
	return &header.FormatError{Offset: off, Format: "fits", Msg: fmt.Sprintf(format, args...)}
}

// Read reads the headers of every HDU of a FITS file of the given size,
// skipping over their data. The primary HDU must be well formed; the walk
// stops quietly at the end of the file, and at trailing bytes that do not
// start an extension. An image HDU whose data runs past the end of the file
// is an error.
//
// Malformed headers give a [*header.FormatError] naming the card and its
// offset.
func Read(r io.ReaderAt, size int64) (*File, error) {
	f := &File{}
	off := int64(0)
	for off < size {
		if len(f.HDUs) == MaxHDUs {
			return nil, fail(off, "more than %d HDUs", MaxHDUs)
		}
		if len(f.HDUs) > 0 && !startsExtension(r, off, size) {
			break // trailing bytes after the last HDU, which FITS allows
		}
		h, next, err := readHDU(r, off, size, len(f.HDUs))
		if err != nil {
			return nil, err
		}
		f.HDUs = append(f.HDUs, h)
		off = next
	}
	if len(f.HDUs) == 0 {
		return nil, fail(0, "file is empty")
	}
	return f, nil
}

func startsExtension(r io.ReaderAt, off, size int64) bool {
	if size-off < CardSize {
		return false
	}
	var b [9]byte
	_, err := r.ReadAt(b[:], off)
	return err == nil && string(b[:]) == "XTENSION="
}

// readHDU reads the header starting at off and returns its HDU and the
// offset of the next one.
func readHDU(r io.ReaderAt, off, size int64, index int) (*HDU, int64, error) {
	h := &HDU{Index: index, Offset: off, ExtVer: 1}
	block := make([]byte, BlockSize)
	end := false
	pos := off
	for !end {
		if size-pos < BlockSize {
			return nil, 0, fail(pos, "header runs past the end of the file without an END card")
		}
		if _, err := r.ReadAt(block, pos); err != nil {
			return nil, 0, fmt.Errorf("fits: reading the header at byte %d: %w", pos, err)
		}
		for i := 0; i < BlockSize; i += CardSize {
			card := block[i : i+CardSize]
			coff := pos + int64(i)
			if string(card[:8]) == "END     " {
				end = true
				break
			}
			if len(h.Cards) == MaxCards {
				return nil, 0, fail(coff, "header has more than %d cards", MaxCards)
			}
			c, err := parseCard(card, coff)
			if err != nil {
				return nil, 0, err
			}
			h.Cards = append(h.Cards, c)
		}
		pos += BlockSize
	}
	dataOff := pos
	if err := h.interpret(); err != nil {
		return nil, 0, err
	}
	if h.Image {
		h.Array.DataOffset = dataOff
		if h.DataSize > size-dataOff {
			return nil, 0, fail(dataOff, "data of shape %v needs %d bytes, but the file has %d after the header", h.Array.Shape, h.DataSize, size-dataOff)
		}
	}
	padded := h.DataSize + (BlockSize-h.DataSize%BlockSize)%BlockSize
	if padded > size-dataOff {
		return h, size, nil // the last HDU, its data or padding cut short
	}
	return h, dataOff + padded, nil
}

// parseCard decodes one 80-byte card at offset off.
func parseCard(b []byte, off int64) (Card, error) {
	for i, c := range b {
		if c < ' ' || c > '~' {
			return Card{}, fail(off+int64(i), "card holds byte 0x%02x, which is not printable ASCII", c)
		}
	}
	c := Card{Key: strings.TrimRight(string(b[:8]), " "), Offset: off}
	if string(b[8:10]) != "= " {
		// COMMENT, HISTORY, blank and other cards without a value; and
		// HIERARCH cards, whose keyword runs on past column 8.
		rest := string(b[8:])
		if c.Key == "HIERARCH" {
			if k, v, ok := strings.Cut(rest, "="); ok {
				c.Key = "HIERARCH " + strings.TrimSpace(k)
				parseValue(&c, v)
				return c, nil
			}
		}
		c.Comment = strings.TrimRight(rest, " ")
		return c, nil
	}
	parseValue(&c, string(b[10:]))
	return c, nil
}

// parseValue splits the value field v into a value and a comment.
func parseValue(c *Card, v string) {
	t := strings.TrimLeft(v, " ")
	if strings.HasPrefix(t, "'") {
		// A string: '' inside stands for one quote.
		var s strings.Builder
		i := 1
		for i < len(t) {
			if t[i] == '\'' {
				if i+1 < len(t) && t[i+1] == '\'' {
					s.WriteByte('\'')
					i += 2
					continue
				}
				break
			}
			s.WriteByte(t[i])
			i++
		}
		c.Value, c.Quoted = strings.TrimRight(s.String(), " "), true
		t = t[min(i+1, len(t)):]
		if _, com, ok := strings.Cut(t, "/"); ok {
			c.Comment = strings.TrimSpace(com)
		}
		return
	}
	val, com, ok := strings.Cut(t, "/")
	c.Value = strings.TrimSpace(val)
	if ok {
		c.Comment = strings.TrimSpace(com)
	}
}

// interpret reads the structural keywords of h's cards.
func (h *HDU) interpret() error {
	if len(h.Cards) == 0 {
		return fail(h.Offset, "header has no cards")
	}
	first := h.Cards[0]
	if h.Index == 0 {
		if first.Key != "SIMPLE" {
			return fail(first.Offset, "first card is %q, not SIMPLE: not a FITS file", first.Key)
		}
	} else {
		if first.Key != "XTENSION" || !first.Quoted {
			return fail(first.Offset, "first card of an extension is %q, not XTENSION", first.Key)
		}
		h.XTension = first.Value
	}
	bitpix, err := h.intCard("BITPIX", math.MinInt32, math.MaxInt32)
	if err != nil {
		return err
	}
	h.BitPix = int(bitpix)
	var dt layout.DType
	switch h.BitPix {
	case 8:
		dt = layout.Uint8
	case 16:
		dt = layout.DType{Kind: layout.Int, Order: layout.BigEndian, Size: 2}
	case 32:
		dt = layout.DType{Kind: layout.Int, Order: layout.BigEndian, Size: 4}
	case 64:
		dt = layout.DType{Kind: layout.Int, Order: layout.BigEndian, Size: 8}
	case -32:
		dt = layout.DType{Kind: layout.Float, Order: layout.BigEndian, Size: 4}
	case -64:
		dt = layout.DType{Kind: layout.Float, Order: layout.BigEndian, Size: 8}
	default:
		c, _ := h.Get("BITPIX")
		return fail(c.Offset, "BITPIX is %d, not 8, 16, 32, 64, -32 or -64", h.BitPix)
	}
	naxis, err := h.intCard("NAXIS", 0, maxAxes)
	if err != nil {
		return err
	}
	h.Axes = make([]int, naxis)
	for i := range h.Axes {
		n, err := h.intCard("NAXIS"+strconv.Itoa(i+1), 0, math.MaxInt)
		if err != nil {
			return err
		}
		h.Axes[i] = int(n)
	}
	pcount, gcount := int64(0), int64(1)
	groups, _ := h.Bool("GROUPS")
	if h.XTension != "" || groups {
		if pcount, err = h.optionalInt("PCOUNT", 0); err != nil {
			return err
		}
		if gcount, err = h.optionalInt("GCOUNT", 1); err != nil {
			return err
		}
	}
	if name, ok := h.String("EXTNAME"); ok {
		h.ExtName = name
	} else if h.Index == 0 {
		h.ExtName = "PRIMARY"
	}
	if v, ok := h.Int("EXTVER"); ok && v >= math.MinInt32 && v <= math.MaxInt32 {
		h.ExtVer = int(v)
	}

	// The data size: |BITPIX|/8 * GCOUNT * (PCOUNT + NAXIS1*...*NAXISn),
	// where random groups leave NAXIS1 (which is 0) out.
	axes := h.Axes
	if groups && h.Index == 0 && len(axes) > 0 && axes[0] == 0 {
		axes = axes[1:]
	}
	var size int64
	if len(h.Axes) > 0 {
		n := new(big.Int).SetInt64(1)
		for _, a := range axes {
			n.Mul(n, big.NewInt(int64(a)))
		}
		n.Add(n, big.NewInt(pcount))
		n.Mul(n, big.NewInt(gcount))
		n.Mul(n, big.NewInt(int64(dt.Size)))
		if !n.IsInt64() {
			c, _ := h.Get("NAXIS")
			return fail(c.Offset, "data size of axes %v overflows", h.Axes)
		}
		size = n.Int64()
	}
	h.DataSize = size

	h.Image = len(h.Axes) > 0 && !groups && (h.XTension == "" || h.XTension == "IMAGE")
	if h.Image && (pcount != 0 || gcount != 1) {
		c, _ := h.Get("PCOUNT")
		return fail(c.Offset, "image extension has PCOUNT %d and GCOUNT %d, not 0 and 1", pcount, gcount)
	}
	shape := make([]int, len(h.Axes))
	for i, a := range h.Axes {
		shape[len(shape)-1-i] = a
	}
	if h.Image {
		h.Array = header.Header{DType: dt, Shape: shape}
	}

	h.Scale = header.Scale{Slope: 1}
	for _, k := range []string{"BSCALE", "BZERO"} {
		c, ok := h.Get(k)
		if !ok {
			continue
		}
		v, ok := parseFloat(c.Value)
		if !ok || c.Quoted || math.IsInf(v, 0) || math.IsNaN(v) {
			return fail(c.Offset, "%s is %q, not a number", k, c.Value)
		}
		if k == "BSCALE" {
			h.Scale.Slope = v
		} else {
			h.Scale.Inter = v
		}
	}
	if h.Scale.Slope == 1 {
		switch {
		case h.BitPix == 8 && h.Scale.Inter == -128,
			h.BitPix > 8 && h.Scale.Inter == math.Ldexp(1, h.BitPix-1):
			h.Unsigned = true
		}
	}
	if v, ok := h.Int("BLANK"); ok {
		h.Blank, h.HasBlank = v, true
	}
	return nil
}

// intCard returns the value of the mandatory integer card key, checked to
// lie in [lo, hi].
func (h *HDU) intCard(key string, lo, hi int64) (int64, error) {
	c, ok := h.Get(key)
	if !ok {
		return 0, fail(h.Offset, "header has no %s card", key)
	}
	n, err := strconv.ParseInt(c.Value, 10, 64)
	if c.Quoted || err != nil {
		return 0, fail(c.Offset, "%s is %q, not an integer", key, c.Value)
	}
	if n < lo || n > hi {
		return 0, fail(c.Offset, "%s is %d, not %d to %d", key, n, lo, hi)
	}
	return n, nil
}

func (h *HDU) optionalInt(key string, def int64) (int64, error) {
	if _, ok := h.Get(key); !ok {
		return def, nil
	}
	return h.intCard(key, 0, math.MaxInt32)
}
