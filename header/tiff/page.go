package tiff

import (
	"fmt"
	"math"
	"strings"

	"github.com/ndmap/ndmap/layout"
)

// page is one IFD's image, decoded as tifffile's TiffPage decodes it: the
// fields that decide its shape, dtype and whether its data can be mapped.
type page struct {
	index  int
	offset int64 // of the page's IFD
	ifd    *ifd  // kept for the first two pages only, whose tags tell the file's kind

	width, length, depth, samples int
	bits, format                  int // 0 when samples differ
	compression, photometric      int
	planar, predictor, fillOrder  int
	rowsPerStrip                  int
	tileWidth, tileLength         int
	tileDepth                     int
	extraSamples                  string
	subsampled                    bool
	hasSubIFDs                    bool
	subfileType                   int

	dtype  layout.DType // Kind Invalid when no NumPy dtype holds the samples
	shape  []int        // tifffile's TiffPage.shape
	axes   string
	shaped [5]int // (separate samples, depth, length, width, contiguous samples)

	dataOffset int64 // where the first strip or tile is; -1 if none
	nbytes     int64 // bytes of the image: the product of shape times the item size
	why        string
	contiguous bool // the data is one run of nbytes at dataOffset (tifffile's is_contiguous)
	final      bool // and is stored as is (is_final)

	description, description1 text
	hasDesc, hasDesc1         bool
	software                  string
}

// key is what tifffile hashes to tell whether two pages belong to the same
// series of plain pages: pages with equal keys are decoded alike.
type key struct {
	shaped                                         [5]int
	rowsPerStrip, tileWidth, tileLength, tileDepth int
	format, bits, fillOrder, predictor             int
	compression, photometric                       int
	extraSamples                                   string
}

func (p *page) key() key {
	return key{p.shaped, p.rowsPerStrip, p.tileWidth, p.tileLength, p.tileDepth,
		p.format, p.bits, p.fillOrder, p.predictor, p.compression, p.photometric, p.extraSamples}
}

// sameArray reports whether q's data, if stored as is, are an array of
// the same shape and dtype as p's: what a page must share with the first
// to continue its array, whatever its strips.
func (p *page) sameArray(q *page) bool {
	return p.shaped == q.shaped && p.bits == q.bits && p.format == q.format
}

// formatKinds maps TIFF's SampleFormat to a kind; BitsPerSample gives the size.
var formatKinds = map[int]layout.Kind{1: layout.Uint, 2: layout.Int, 3: layout.Float, 4: layout.Uint, 6: layout.Complex}

func (f *file) readPage(d *ifd, index int) (*page, error) {
	p := &page{index: index, offset: d.offset, ifd: d, dataOffset: -1}
	ints := []struct {
		tag uint16
		dst *int
		def uint64
	}{
		{tagNewSubfileType, &p.subfileType, 0},
		{tagImageWidth, &p.width, 0},
		{tagImageLength, &p.length, 0},
		{tagImageDepth, &p.depth, 1},
		{tagSamplesPerPixel, &p.samples, 1},
		{tagCompression, &p.compression, 1},
		{tagPhotometric, &p.photometric, 0},
		{tagPlanarConfig, &p.planar, 1},
		{tagPredictor, &p.predictor, 1},
		{tagFillOrder, &p.fillOrder, 1},
		{tagTileWidth, &p.tileWidth, 0},
		{tagTileLength, &p.tileLength, 0},
		{tagTileDepth, &p.tileDepth, 1},
	}
	for _, t := range ints {
		v, err := f.uint(d, t.tag, t.def)
		if err != nil {
			return nil, err
		}
		if v > math.MaxInt32 {
			e, _ := d.find(t.tag, 0)
			return nil, f.errAt(e.at, "tag %d value %d is too large", t.tag, v)
		}
		*t.dst = int(v)
	}
	if p.subfileType == 0 {
		if v, err := f.uint(d, tagSubfileType, 0); err == nil && v == 3 {
			p.subfileType = 2
		}
	}
	var err error
	if p.bits, err = f.sameSamples(d, tagBitsPerSample, 1, p.samples); err != nil {
		return nil, err
	}
	if p.format, err = f.sameSamples(d, tagSampleFormat, 1, p.samples); err != nil {
		return nil, err
	}
	if e, ok := d.find(tagExtraSamples, 0); ok {
		v, err := f.uints(e)
		if err != nil {
			return nil, err
		}
		p.extraSamples = fmt.Sprint(v)
	}
	if e, ok := d.find(tagYCbCrSubSampling, 0); ok {
		v, err := f.uints(e)
		if err != nil {
			return nil, err
		}
		p.subsampled = !(len(v) == 2 && v[0] == 1 && v[1] == 1)
	} else {
		p.subsampled = p.photometric == 6
	}
	p.hasSubIFDs = d.has(tagSubIFDs)
	if p.description, p.hasDesc, err = f.ascii(d, tagImageDescription, 0); err != nil {
		return nil, err
	}
	if p.description1, p.hasDesc1, err = f.ascii(d, tagImageDescription, 1); err != nil {
		return nil, err
	}
	if sw, ok, err := f.ascii(d, tagSoftware, 0); err != nil {
		return nil, err
	} else if ok {
		p.software = sw.head
	}

	// tifffile's RowsPerStrip: none for tiles, else at most the image's
	// length, which is also the default.
	if d.has(tagTileWidth) {
		p.rowsPerStrip = 0
	} else {
		rps := uint64(1<<32 - 1)
		if e, ok := d.find(tagRowsPerStrip, 0); ok && e.count == 1 {
			if rps, err = f.uint(d, tagRowsPerStrip, rps); err != nil {
				return nil, err
			}
		} else if d.has(tagImageLength) {
			rps = uint64(p.length)
		}
		p.rowsPerStrip = int(min(rps, uint64(p.length)))
	}

	// tifffile maps only samples of 8, 16, 32 or 64 bits to memory.
	if k, ok := formatKinds[p.format]; ok && (p.bits == 8 || p.bits == 16 || p.bits == 32 || p.bits == 64) {
		size := p.bits / 8
		switch {
		case k == layout.Float && size == 1, k == layout.Complex && size != 8:
		default:
			p.dtype = layout.DType{Kind: k, Size: size, Order: f.order()}
			if size == 1 {
				p.dtype.Order = layout.NotApplicable
			}
		}
	}

	if p.photometric == 2 || p.samples > 1 {
		if p.planar == 1 {
			p.shaped = [5]int{1, p.depth, p.length, p.width, p.samples}
			p.shape, p.axes = []int{p.length, p.width, p.samples}, "YXS"
			if p.depth != 1 {
				p.shape, p.axes = []int{p.depth, p.length, p.width, p.samples}, "ZYXS"
			}
		} else {
			p.shaped = [5]int{p.samples, p.depth, p.length, p.width, 1}
			p.shape, p.axes = []int{p.samples, p.length, p.width}, "SYX"
			if p.depth != 1 {
				p.shape, p.axes = []int{p.samples, p.depth, p.length, p.width}, "SZYX"
			}
		}
	} else {
		p.shaped = [5]int{1, p.depth, p.length, p.width, 1}
		p.shape, p.axes = []int{p.length, p.width}, "YX"
		if p.depth != 1 {
			p.shape, p.axes = []int{p.depth, p.length, p.width}, "ZYX"
		}
	}
	if p.dtype.Kind != layout.Invalid {
		n, err := layout.ByteSize(p.shape, p.dtype.Size)
		if err != nil {
			return nil, f.errAt(d.offset, "page %d of shape %v: %v", index, p.shape, err)
		}
		p.nbytes = n
	}
	if err := f.layoutData(p); err != nil {
		return nil, err
	}
	return p, nil
}

// sameSamples returns a per-sample tag's value, or 0 when the samples
// differ (tifffile then holds a tuple, which no dtype matches).
func (f *file) sameSamples(d *ifd, tag uint16, def uint64, samples int) (int, error) {
	e, ok := d.find(tag, 0)
	if !ok || e.count == 0 {
		return int(def), nil
	}
	v, err := f.uints(e)
	if err != nil {
		return 0, err
	}
	if len(v) > 1 {
		v = v[:min(len(v), max(samples, 1))]
	}
	for _, x := range v {
		if x != v[0] {
			return 0, nil
		}
	}
	if v[0] > math.MaxInt32 {
		return 0, f.errAt(e.at, "tag %d value %d is too large", tag, v[0])
	}
	return int(v[0]), nil
}

func (f *file) order() layout.ByteOrder {
	if f.bo.Uint16([]byte{1, 0}) == 1 {
		return layout.LittleEndian
	}
	return layout.BigEndian
}

// layoutData reads the page's strip or tile offsets and decides, as
// tifffile's TiffPage.is_final does, whether its data is one run of bytes
// stored as is. When it is not, why says what stands in the way.
func (f *file) layoutData(p *page) error {
	d := p.ifd
	offTag, cntTag := uint16(tagTileOffsets), uint16(tagTileByteCounts)
	if !d.has(tagTileOffsets) {
		offTag, cntTag = tagStripOffsets, tagStripByteCounts
	}
	switch {
	case p.format == 5:
		p.why = "its samples are complex integers"
	case p.compression != 1:
		p.why = fmt.Sprintf("its data are compressed (%s)", compressionName(p.compression))
	case p.dtype.Kind == layout.Invalid:
		p.why = fmt.Sprintf("%s bits per sample with sample format %s cannot be mapped as a NumPy dtype", perSample(p.bits), perSample(p.format))
	case d.has(tagTileWidth) && (p.width != p.tileWidth || p.tileLength == 0 || p.length%p.tileLength != 0 || p.tileWidth%16 != 0 || p.tileLength%16 != 0):
		p.why = fmt.Sprintf("its data are in %dx%d tiles", p.tileWidth, p.tileLength)
	case d.has(tagTileWidth) && d.has(tagImageDepth) && d.has(tagTileDepth) && (p.length != p.tileLength || p.tileDepth == 0 || p.depth%p.tileDepth != 0):
		p.why = fmt.Sprintf("its data are in %dx%dx%d tiles", p.tileWidth, p.tileLength, p.tileDepth)
	case !d.has(offTag):
		p.why = "it has no strip or tile offsets"
	}
	if p.why != "" {
		return nil
	}
	oe, _ := d.find(offTag, 0)
	offsets, err := f.uints(oe)
	if err != nil {
		return err
	}
	var counts []uint64
	if ce, ok := d.find(cntTag, 0); ok {
		if counts, err = f.uints(ce); err != nil {
			return err
		}
	} else {
		counts = []uint64{uint64(p.nbytes)}
	}
	if p.length > 0 && p.rowsPerStrip > 0 {
		// As tifffile does, ignore offsets and counts beyond the strips
		// the image needs.
		strips := (p.length + p.rowsPerStrip - 1) / p.rowsPerStrip * p.depth
		if p.planar == 2 {
			strips *= p.samples
		}
		offsets = offsets[:min(len(offsets), strips)]
		counts = counts[:min(len(counts), strips)]
	}
	if len(offsets) == 0 {
		p.why = "it has no strip or tile offsets"
		return nil
	}
	if offsets[0] > math.MaxInt64 {
		return f.errAt(oe.at, "data offset %d is too large", offsets[0])
	}
	p.dataOffset = int64(offsets[0])
	contiguous := len(offsets) == 1
	if !contiguous && len(counts) == len(offsets) {
		var sum uint64
		contiguous = true
		for i, c := range counts {
			sum += c
			if c == 0 || c > uint64(f.size) || i+1 < len(offsets) && offsets[i]+c != offsets[i+1] {
				contiguous = false
				break
			}
		}
		contiguous = contiguous && sum == uint64(p.nbytes)
	}
	p.contiguous = contiguous
	switch {
	case !contiguous:
		p.why = fmt.Sprintf("its %d strips or tiles are not one contiguous run of %d bytes", len(offsets), p.nbytes)
	case p.fillOrder != 1:
		p.why = "its bits are stored in reverse order (FillOrder 2)"
	case p.predictor != 1:
		p.why = fmt.Sprintf("its data are stored with predictor %d", p.predictor)
	case p.subsampled:
		p.why = "its chroma is subsampled (YCbCr)"
	default:
		p.final = true
	}
	return nil
}

func perSample(v int) string {
	if v == 0 {
		return "differing"
	}
	return fmt.Sprint(v)
}

var compressionNames = map[int]string{2: "CCITT RLE", 3: "CCITT T.4", 4: "CCITT T.6", 5: "LZW", 6: "old JPEG",
	7: "JPEG", 8: "Adobe deflate", 32773: "PackBits", 32946: "deflate", 34887: "LERC", 34925: "LZMA",
	50000: "Zstandard", 50001: "WebP", 50002: "JPEG XL", 34712: "JPEG 2000", 33003: "JPEG 2000", 33005: "JPEG 2000"}

func compressionName(c int) string {
	if n, ok := compressionNames[c]; ok {
		return fmt.Sprintf("compression %d, %s", c, n)
	}
	return fmt.Sprintf("compression %d", c)
}

// squeeze returns shape and axes without their length-1 dimensions,
// X and Y excepted, as tifffile's series shapes are by default.
func squeeze(shape []int, axes string) ([]int, string) {
	var s []int
	var a strings.Builder
	for i, n := range shape {
		if n > 1 || axes[i] == 'X' || axes[i] == 'Y' {
			s = append(s, n)
			a.WriteByte(axes[i])
		}
	}
	if len(s) == 0 && len(shape) > 0 {
		s = []int{shape[len(shape)-1]}
		a.WriteByte(axes[len(axes)-1])
	}
	return s, a.String()
}
