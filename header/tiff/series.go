package tiff

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// series is tifffile's first series of a file, before it is checked for
// mapping: the pages tifffile holds for it (only the first when it takes
// the rest to follow contiguously), its shape and axes.
type series struct {
	kind  string
	axes  string
	shape []int
	pages []*page
	// single is set when tifffile takes the offset of a lone first page
	// as the series' data offset whatever the shape (shaped and ImageJ
	// files whose other IFDs lie after the data, or are missing).
	single bool
}

// otherKinds are the kinds of TIFF whose series shape tifffile takes from
// metadata this package does not read, in the order tifffile tries them,
// with the test that tells each. They are refused rather than shaped
// differently from tifffile.
var otherKinds = []struct {
	name string
	is   func(ps []*page) bool
}{
	{"Zeiss LSM", func(ps []*page) bool { return ps[0].ifd.has(tagLSMInfo) }},
	{"OME-TIFF", func(ps []*page) bool {
		return ps[0].hasDesc && strings.HasSuffix(strings.TrimSpace(ps[0].description.end(10)), "OME>")
	}},
	{"ImageJ", nil}, // the place of ImageJ in tifffile's order
	{"NIH Image", func(ps []*page) bool { return ps[0].ifd.has(tagNIHImageHeader) }},
	{"FluoView", func(ps []*page) bool { return ps[0].ifd.has(tagFluoViewStamp) }},
	{"MetaMorph STK", func(ps []*page) bool { return ps[0].ifd.has(tagUIC1) }},
	{"Olympus SIS", func(ps []*page) bool { return ps[0].ifd.has(tagSISTag1) || ps[0].ifd.has(tagSISTag2) }},
	{"Aperio SVS", func(ps []*page) bool { return ps[0].description.hasPrefix("Aperio ") }},
	{"Leica SCN", func(ps []*page) bool {
		return ps[0].hasDesc && strings.HasSuffix(strings.TrimSpace(ps[0].description.end(10)), "</scn>")
	}},
	{"PerkinElmer QPI", func(ps []*page) bool { return strings.HasPrefix(ps[0].software, "PerkinElmer-QPI") }},
	{"Hamamatsu NDPI", func(ps []*page) bool { return ps[0].ifd.has(tagNDPIMarker) && ps[0].ifd.has(tagModel) }},
	{"Roche BIF", func(ps []*page) bool {
		p := ps[0]
		d := p.description.head
		return p.ifd.has(tagXMP) && (strings.Contains(p.software, "Ventana") || strings.HasPrefix(p.software, "ScanOutputManager") ||
			d == "Label Image" || d == "Label_Image" || d == "Probability_Image")
	}},
	{"ScanImage", func(ps []*page) bool {
		return strings.HasPrefix(ps[0].software, "SI.") || ps[0].description.hasPrefix("state.") ||
			strings.Contains(ps[0].description.end(256), "scanimage.SI")
	}},
	{"MD Gel", func(ps []*page) bool {
		return ps[0].ifd.has(tagMDFileTag) || len(ps) > 1 && ps[1].ifd.has(tagMDFileTag)
	}},
}

// findSeries returns tifffile's first series of the pages, trying the
// kinds in tifffile's order.
func (f *file) findSeries(ps []*page) (*series, error) {
	p0 := ps[0]
	if desc, ok := shapedDescription(p0); ok {
		s, err := f.shaped(ps, desc)
		if err != nil || s != nil {
			return s, err
		}
		return f.generic(ps), nil
	}
	for _, k := range otherKinds {
		if k.is == nil {
			desc, ok := imagejDescription(p0)
			if !ok {
				continue
			}
			s, err := f.imagej(ps, desc)
			if err != nil || s != nil {
				return s, err
			}
			return f.generic(ps), nil
		}
		if k.is(ps) {
			return nil, &header.FormatError{Offset: p0.offset, Format: "tiff", Msg: fmt.Sprintf("%s files are not supported: their shape comes from metadata this package does not read", k.name), Err: ErrUnsupported}
		}
	}
	return f.generic(ps), nil
}

// descriptions returns the page's descriptions as tifffile looks at them:
// the first, then the second, stopping at an empty one.
func descriptions(p *page) []text {
	var ds []text
	for i, d := range []text{p.description, p.description1} {
		has := p.hasDesc
		if i == 1 {
			has = p.hasDesc1
		}
		if !has || d.empty() {
			break
		}
		ds = append(ds, d)
	}
	return ds
}

func shapedDescription(p *page) (text, bool) {
	for _, d := range descriptions(p) {
		if strings.Contains(d.head, `"mibi.`) {
			return text{}, false
		}
		if d.hasPrefix("{") && strings.Contains(d.head, `"shape":`) || d.hasPrefix("shape=") {
			return d, true
		}
	}
	return text{}, false
}

func imagejDescription(p *page) (text, bool) {
	for _, d := range descriptions(p) {
		if d.hasPrefix("ImageJ=") || d.hasPrefix("SCIFIO=") {
			return d, true
		}
	}
	return text{}, false
}

// shaped returns the first series of a file tifffile wrote with its JSON
// shape description, or nil where tifffile falls back to plain pages.
func (f *file) shaped(ps []*page, desc text) (*series, error) {
	p0 := ps[0]
	d, ok := desc.full()
	if !ok {
		return nil, f.errAt(p0.offset, "shaped description of page 0 is too long")
	}
	var meta struct {
		Shape     []int64 `json:"shape"`
		Axes      *string `json:"axes"`
		Truncated *bool   `json:"truncated"`
	}
	if strings.HasPrefix(d, "shape=") {
		// The description tifffile wrote before it wrote JSON: shape=(a, b).
		inner := d[len("shape="):]
		if len(inner) < 2 {
			return nil, f.errAt(p0.offset, "shaped description %q has no shape", d)
		}
		for _, s := range strings.Split(inner[1:len(inner)-1], ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil {
				return nil, f.errAt(p0.offset, "shaped description %q has a shape that is not integers", d)
			}
			meta.Shape = append(meta.Shape, n)
		}
	} else {
		if !strings.HasSuffix(d, "}") {
			return nil, f.errAt(p0.offset, "shaped description is not a JSON object")
		}
		if err := json.Unmarshal([]byte(d), &meta); err != nil {
			return nil, &header.FormatError{Offset: p0.offset, Format: "tiff", Msg: "shaped description of page 0", Err: err}
		}
	}
	reshape := make([]int, len(meta.Shape))
	for i, n := range meta.Shape {
		if n < 0 || n > math.MaxInt32 {
			return nil, f.errAt(p0.offset, "shaped description's shape %v has a dimension out of range", meta.Shape)
		}
		reshape[i] = int(n)
	}
	size, err := layout.Count(reshape)
	if err != nil {
		return nil, f.errAt(p0.offset, "shaped description's shape %v: %v", reshape, err)
	}
	pageSize, _ := layout.Count(p0.shape)
	npages := int64(1)
	if size > 0 {
		if pageSize == 0 || size%pageSize != 0 {
			return nil, nil // tifffile: shape does not match the pages; plain pages instead
		}
		npages = size / pageSize
	}
	list := []*page{p0}
	single := true
	if npages > 1 && npages <= int64(len(ps)) {
		nbytes, err := layout.ByteSize(reshape, max(p0.dtype.Size, 1))
		if err != nil {
			return nil, f.errAt(p0.offset, "shaped description's shape %v: %v", reshape, err)
		}
		switch {
		case meta.Truncated != nil && *meta.Truncated:
		case p0.final && len(ps) > 1 && !p0.hasSubIFDs && p0.offset < ps[1].offset-nbytes:
			// The next IFD lies after where the whole series' data
			// would end: tifffile takes the data to follow page 0.
		default:
			list, single = ps[:npages], false
		}
	}
	var axes string
	var shape []int
	if meta.Axes != nil && len(*meta.Axes) == len(reshape) {
		axes, shape = *meta.Axes, reshape
	} else {
		shape, axes = p0.shape, p0.axes
		if len(list) > 1 {
			shape, axes = append([]int{len(list)}, shape...), "Q"+axes
		}
	}
	have, _ := layout.Count(shape)
	if p0.contiguous && have > 0 && size > have && size%have == 0 {
		shape, axes = append([]int{int(size / have)}, shape...), "Q"+axes
	}
	if a, ok := reshapeAxes(axes, shape, reshape); ok {
		axes, shape = a, reshape
	}
	return &series{kind: "shaped", axes: axes, shape: shape, pages: list, single: single}, nil
}

// reshapeAxes returns the axes of newshape, a reshaping of shape with the
// given axes, as tifffile's reshape_axes names them: axes kept where the
// dimensions line up, "Q" for the others.
func reshapeAxes(axes string, shape, newshape []int) (string, bool) {
	a, _ := layout.Count(shape)
	b, _ := layout.Count(newshape)
	if len(axes) != len(shape) || a != b {
		return "", false
	}
	if axes == "" || len(newshape) == 0 {
		return "", true
	}
	ns := append([]int(nil), newshape...)
	lendiff := max(0, len(shape)-len(newshape))
	for range lendiff {
		ns = append(ns, 1)
	}
	at := func(i int) int { return shape[(i%len(shape)+len(shape))%len(shape)] } // Python's negative indexing
	i := len(shape) - 1
	prodns, prods := 1, 1
	var result []byte
	for j := len(ns) - 1; j >= 0; j-- {
		n := ns[j]
		prodns *= n
		for i > 0 && at(i) == 1 && n != 1 {
			i--
		}
		if n == at(i) && prodns == prods*at(i) {
			prods *= at(i)
			result = append(result, axes[(i%len(axes)+len(axes))%len(axes)])
			i--
		} else {
			result = append(result, 'Q')
		}
	}
	result = result[lendiff:]
	for l, r := 0, len(result)-1; l < r; l, r = l+1, r-1 {
		result[l], result[r] = result[r], result[l]
	}
	return string(result), true
}

// imagej returns the series of an ImageJ hyperstack, or nil where
// tifffile falls back to plain pages.
func (f *file) imagej(ps []*page, desc text) (*series, error) {
	p0 := ps[0]
	d, ok := desc.full()
	if !ok {
		return nil, f.errAt(p0.offset, "ImageJ description of page 0 is too long")
	}
	meta := imagejMetadata(d)
	num := func(key string) (int64, error) {
		v, ok := meta[key]
		if !ok {
			return 1, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, f.errAt(p0.offset, "ImageJ description's %s=%q is not an integer", key, v)
		}
		return n, nil
	}
	var frames, slices, channels, images int64
	var err error
	for _, x := range []struct {
		key string
		dst *int64
	}{{"frames", &frames}, {"slices", &slices}, {"channels", &channels}, {"images", &images}} {
		if *x.dst, err = num(x.key); err != nil {
			return nil, err
		}
	}
	if images < 1 || frames < 1 || slices < 1 || channels < 1 {
		return nil, nil
	}
	const most = 1 << 40
	if frames > most || slices > most || channels > most || images > most || frames*slices > most || frames*slices*channels > most {
		return nil, f.errAt(p0.offset, "ImageJ description's frames=%d slices=%d channels=%d are too large", frames, slices, channels)
	}
	switch {
	case channels == 1:
		images = frames * slices
	case p0.shaped[0] > 1 && int64(p0.shaped[0]) == channels:
		images = frames * slices // separate samples declared as channels
	case images == frames*slices && int64(p0.shaped[4]) == channels:
		channels = 1 // contiguous samples declared as channels
	default:
		images = frames * slices * channels
	}
	if images == 1 && len(ps) > 1 {
		images = int64(len(ps))
	}
	if p0.nbytes > 0 && images > math.MaxInt64/p0.nbytes {
		return nil, f.errAt(p0.offset, "ImageJ series of %d images is too large", images)
	}
	nbytes := images * p0.nbytes
	virtual := true
	switch {
	case !p0.final:
		virtual = false
	case p0.dataOffset+nbytes > f.size || p0.dataOffset+nbytes < 0:
		return nil, nil
	case images <= 1:
	case len(ps) > 1 && p0.dataOffset+nbytes > ps[1].offset:
		virtual = false
	}
	list := ps
	if virtual {
		list = ps[:1]
	}
	var axes string
	var shape []int
	switch strings.ToLower(meta["order"]) {
	case "ctz":
		axes, shape = "ZTC", []int{int(slices), int(frames), int(channels)}
	case "zct":
		axes, shape = "TCZ", []int{int(frames), int(channels), int(slices)}
	case "ztc":
		axes, shape = "CTZ", []int{int(channels), int(frames), int(slices)}
	case "tcz":
		axes, shape = "ZCT", []int{int(slices), int(channels), int(frames)}
	case "tzc":
		axes, shape = "CZT", []int{int(channels), int(slices), int(frames)}
	default: // "czt", "default", none or unknown
		axes, shape = "TZC", []int{int(frames), int(slices), int(channels)}
	}
	if remain := images / (frames * slices * channels); remain > 1 {
		axes, shape = "I"+axes, append([]int{int(remain)}, shape...)
	}
	if p0.shaped[0] > 1 {
		// Separate samples declared as channels: the samples are the C axis.
		shape = append(shape[:len(shape)-1], p0.shape...)
		axes += p0.axes[1:]
	} else {
		shape = append(shape, p0.shape...)
		axes += p0.axes
	}
	if !strings.Contains(axes, "S") {
		shape, axes = append(shape, 1), axes+"S"
	}
	shape, axes = squeeze(shape, axes)
	return &series{kind: "imagej", axes: axes, shape: shape, pages: list, single: len(list) == 1}, nil
}

// imagejMetadata returns the key=value lines of an ImageJ description, as
// tifffile reads them: lines with exactly one "=", trimmed.
func imagejMetadata(d string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.FieldsFunc(d, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if strings.Count(line, "=") != 1 {
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		m[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return m
}

// generic returns tifffile's series of plain pages: the pages laid out
// like page 0, stacked. With 8 pages or more whose first, second, eighth
// and last agree, tifffile calls the series uniform and holds every page
// in it.
func (f *file) generic(ps []*page) *series {
	p0 := ps[0]
	k := p0.key()
	kind := "generic"
	var list []*page
	if len(ps) >= 8 && !p0.hasSubIFDs && ps[1].key() == k && ps[7].key() == k && ps[len(ps)-1].key() == k {
		kind, list = "uniform", ps
	} else {
		for _, p := range ps {
			if p.key() == k {
				list = append(list, p)
			}
		}
	}
	shape := append([]int{len(list)}, p0.shape...)
	shape, axes := squeeze(shape, "I"+p0.axes)
	return &series{kind: kind, axes: axes, shape: shape, pages: list}
}

// check returns where the series' data starts if it is one contiguous run
// of the bytes its shape needs, stored as is and inside the file, and an
// error saying why not otherwise. Beyond what tifffile checks, the pages
// it takes to follow page 0 without reading them are checked too.
func (f *file) check(s *series, all []*page) (int64, error) {
	p0 := s.pages[0]
	unmappable := func(p *page, why string) error {
		return &header.FormatError{Offset: p.offset, Format: "tiff", Msg: fmt.Sprintf("page %d cannot be mapped: %s", p.index, why), Err: ErrUnsupported}
	}
	if !p0.final {
		return 0, unmappable(p0, p0.why)
	}
	total, err := layout.ByteSize(s.shape, p0.dtype.Size)
	if err != nil {
		return 0, f.errAt(p0.offset, "series shape %v: %v", s.shape, err)
	}
	off := p0.dataOffset
	follow := func(i int, p *page, want int64) error {
		switch {
		case !p0.sameArray(p):
			return unmappable(p, "its layout differs from page 0's: "+differ(p0, p))
		case !p.final:
			return unmappable(p, p.why)
		case p.dataOffset != want:
			return unmappable(p, fmt.Sprintf("its data are at byte %d, not right after the previous page's at %d: the pages are not contiguous", p.dataOffset, want))
		}
		return nil
	}
	if s.single {
		// tifffile reads only page 0; the pages the data spans that the
		// file does have must still lie where the data runs.
		if p0.nbytes > 0 && total%p0.nbytes == 0 && p0.index == 0 {
			for i := 1; int64(i) < total/p0.nbytes && i < len(all); i++ {
				if err := follow(i, all[i], off+int64(i)*p0.nbytes); err != nil {
					return 0, err
				}
			}
		}
	} else {
		pos := off + p0.nbytes
		for i, p := range s.pages[1:] {
			if err := follow(i+1, p, pos); err != nil {
				return 0, err
			}
			pos += p.nbytes
		}
		if pos-off != total {
			return 0, &header.FormatError{Offset: p0.offset, Format: "tiff", Msg: fmt.Sprintf("the series' %d pages hold %d bytes, but its shape %v needs %d", len(s.pages), pos-off, s.shape, total), Err: ErrUnsupported}
		}
	}
	if off > f.size || total > f.size-off {
		return 0, f.errAt(off, "the series' %d bytes of data at byte %d run past the end of the %d-byte file", total, off, f.size)
	}
	return off, nil
}

// differ names the first field in which two pages' layouts differ.
func differ(a, b *page) string {
	switch {
	case a.shaped != b.shaped && a.planar != b.planar:
		return fmt.Sprintf("planar configuration %d, not %d", b.planar, a.planar)
	case a.shaped != b.shaped:
		return fmt.Sprintf("image of %v (separate samples, depth, length, width, contiguous samples), not %v", b.shaped, a.shaped)
	}
	return fmt.Sprintf("%s-bit samples of format %s, not %s-bit of format %s", perSample(b.bits), perSample(b.format), perSample(a.bits), perSample(a.format))
}
