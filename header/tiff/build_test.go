package tiff_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/header/tiff"
)

// A tpage is one page of a TIFF built by build: its tags (strip offsets
// and byte counts are added), its data, cut into strips, and how many
// bytes of padding come before its data.
type tpage struct {
	tags     map[uint16][]uint64
	desc     string // ImageDescription, if not empty
	data     []byte
	strips   int // 0 or 1: one strip
	gap      int // bytes before this page's data
	stripGap int // bytes between this page's strips
}

// tag types used for the values of each tag build writes.
var tagTypes = map[uint16]uint16{273: 4, 279: 4, 324: 4, 325: 4, 530: 3, 258: 3, 339: 3, 277: 3, 262: 3, 284: 3, 259: 3, 266: 3, 317: 3}

// build writes a TIFF: the header, every page's data in order, then the
// IFDs, chained in page order; loop makes the last IFD point back to the
// first.
func build(big bool, bo binary.ByteOrder, pages []tpage, loop bool) []byte {
	var buf bytes.Buffer
	w := func(v any) { binary.Write(&buf, bo, v) }
	if bo == binary.ByteOrder(binary.LittleEndian) {
		buf.WriteString("II")
	} else {
		buf.WriteString("MM")
	}
	if big {
		w(uint16(43))
		w(uint16(8))
		w(uint16(0))
		w(uint64(0)) // patched
	} else {
		w(uint16(42))
		w(uint32(0))
	}
	offsets := make([][]uint64, len(pages))
	counts := make([][]uint64, len(pages))
	for i, p := range pages {
		buf.Write(make([]byte, p.gap))
		n := max(p.strips, 1)
		per := (len(p.data) + n - 1) / n
		for s := 0; s < n; s++ {
			if s > 0 {
				buf.Write(make([]byte, p.stripGap))
			}
			chunk := p.data[min(s*per, len(p.data)):min((s+1)*per, len(p.data))]
			offsets[i] = append(offsets[i], uint64(buf.Len()))
			counts[i] = append(counts[i], uint64(len(chunk)))
			buf.Write(chunk)
		}
	}
	// IFDs: each tag's values inline when they fit, else in an array
	// written just before the IFD.
	ifdAt := make([]int, len(pages))
	nextAt := make([]int, len(pages))
	for i, p := range pages {
		tags := map[uint16][]uint64{}
		for k, v := range p.tags {
			tags[k] = v
		}
		if _, tiled := tags[322]; tiled {
			tags[324], tags[325] = offsets[i], counts[i]
		} else {
			tags[273], tags[279] = offsets[i], counts[i]
		}
		var codes []int
		for k := range tags {
			codes = append(codes, int(k))
		}
		if p.desc != "" {
			codes = append(codes, 270)
		}
		sort.Ints(codes)
		fieldSize := 4
		if big {
			fieldSize = 8
		}
		type ent struct {
			tag, typ uint16
			count    uint64
			field    []byte
		}
		var ents []ent
		for _, c := range codes {
			tag := uint16(c)
			var typ uint16 = 4
			var vals []byte
			var count uint64
			if tag == 270 {
				typ, vals, count = 2, append([]byte(p.desc), 0), uint64(len(p.desc)+1)
			} else {
				if t, ok := tagTypes[tag]; ok {
					typ = t
				}
				if big && (tag == 273 || tag == 279 || tag == 324 || tag == 325) {
					typ = 16
				}
				var vb bytes.Buffer
				for _, v := range tags[tag] {
					switch typ {
					case 3:
						binary.Write(&vb, bo, uint16(v))
					case 16:
						binary.Write(&vb, bo, v)
					default:
						binary.Write(&vb, bo, uint32(v))
					}
				}
				vals, count = vb.Bytes(), uint64(len(tags[tag]))
			}
			field := make([]byte, fieldSize)
			if len(vals) <= fieldSize {
				copy(field, vals)
			} else {
				if buf.Len()%2 == 1 {
					buf.WriteByte(0)
				}
				at := uint64(buf.Len())
				buf.Write(vals)
				if big {
					bo.PutUint64(field, at)
				} else {
					bo.PutUint32(field, uint32(at))
				}
			}
			ents = append(ents, ent{tag, typ, count, field})
		}
		if buf.Len()%2 == 1 {
			buf.WriteByte(0)
		}
		ifdAt[i] = buf.Len()
		if big {
			w(uint64(len(ents)))
		} else {
			w(uint16(len(ents)))
		}
		for _, e := range ents {
			w(e.tag)
			w(e.typ)
			if big {
				w(e.count)
			} else {
				w(uint32(e.count))
			}
			buf.Write(e.field)
		}
		nextAt[i] = buf.Len()
		if big {
			w(uint64(0))
		} else {
			w(uint32(0))
		}
	}
	b := buf.Bytes()
	put := func(at, v int) {
		if big {
			bo.PutUint64(b[at:], uint64(v))
		} else {
			bo.PutUint32(b[at:], uint32(v))
		}
	}
	if big {
		put(8, ifdAt[0])
	} else {
		put(4, ifdAt[0])
	}
	for i := 0; i+1 < len(pages); i++ {
		put(nextAt[i], ifdAt[i+1])
	}
	if loop {
		put(nextAt[len(pages)-1], ifdAt[0])
	}
	return b
}

// gray returns the tags of a width x length page of one sample of bits
// bits and sample format format.
func gray(width, length, bits, format int) map[uint16][]uint64 {
	return map[uint16][]uint64{256: {uint64(width)}, 257: {uint64(length)}, 258: {uint64(bits)}, 277: {1},
		262: {1}, 339: {uint64(format)}, 278: {uint64(length)}}
}

// with returns tags with some changed.
func with(tags map[uint16][]uint64, kv ...any) map[uint16][]uint64 {
	t := map[uint16][]uint64{}
	for k, v := range tags {
		t[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		t[uint16(kv[i].(int))] = kv[i+1].([]uint64)
	}
	return t
}

func ramp(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) + seed
	}
	return b
}

func pagesOf(n int, tags map[uint16][]uint64, size int) []tpage {
	ps := make([]tpage, n)
	for i := range ps {
		ps[i] = tpage{tags: tags, data: ramp(size, byte(i))}
	}
	return ps
}

// A crafted case: a TIFF built here, and what reading it must give. The
// interop test also asks tifffile.memmap: it must agree, except where
// stricter says this package refuses a file tifffile maps wrongly.
type crafted struct {
	name     string
	file     []byte
	kind     string
	axes     string
	shape    []int
	err      string // substring of the error; "" if it reads
	unsup    bool   // the error wraps ErrUnsupported
	stricter bool
}

func craftedCases() []crafted {
	le, be := binary.ByteOrder(binary.LittleEndian), binary.ByteOrder(binary.BigEndian)
	u16 := gray(6, 4, 16, 1)
	rgb := with(gray(5, 4, 8, 1), 277, []uint64{3}, 258, []uint64{8, 8, 8}, 262, []uint64{2}, 284, []uint64{1})
	planar := with(rgb, 284, []uint64{2}, 278, []uint64{4})
	ij := func(d string, n int, tags map[uint16][]uint64, size int) []tpage {
		ps := pagesOf(n, tags, size)
		ps[0].desc = d
		return ps
	}
	gapped := pagesOf(3, u16, 48)
	gapped[2].gap = 2
	mixed := pagesOf(3, u16, 48)
	mixed[2].tags, mixed[2].data = gray(4, 4, 32, 3), ramp(64, 9)
	interleaved := pagesOf(3, u16, 48)
	interleaved[1].tags, interleaved[1].data = gray(4, 4, 32, 3), ramp(64, 9)
	ijPlanar := ij("ImageJ=1.11a\nimages=4\nframes=4\n", 4, rgb, 60)
	ijPlanar[2].tags = planar
	ijGap := ij("ImageJ=1.11a\nimages=4\nslices=4\n", 4, u16, 48)
	ijGap[3].gap = 4
	strips := pagesOf(2, with(u16, 278, []uint64{1}), 48)
	strips[0].strips, strips[1].strips = 4, 4
	stripGap := pagesOf(1, with(u16, 278, []uint64{1}), 48)
	stripGap[0].strips, stripGap[0].stripGap = 4, 2
	tiledWide := pagesOf(2, with(gray(16, 32, 8, 1), 322, []uint64{16}, 323, []uint64{16}), 512)
	tiledWide[0].strips, tiledWide[1].strips = 2, 2
	tiled := pagesOf(1, with(gray(32, 16, 8, 1), 322, []uint64{16}, 323, []uint64{16}), 512)
	tiled[0].strips = 2
	shaped := pagesOf(6, gray(5, 4, 16, 2), 40)
	shaped[0].desc = `{"shape": [2, 3, 4, 5]}`
	shapedAxes := pagesOf(2, gray(5, 4, 8, 1), 20)
	shapedAxes[0].desc = `{"shape": [2, 4, 5], "axes": "TYX"}`
	legacy := pagesOf(3, gray(5, 4, 8, 1), 20)
	legacy[0].desc = "shape=(3, 4, 5)"
	shapedBad := pagesOf(3, gray(5, 4, 8, 1), 20)
	shapedBad[0].desc = `{"shape": [7, 5]}`
	lsm := pagesOf(1, with(u16, 34412, []uint64{0}), 48)
	ycc := with(rgb, 262, []uint64{6})
	return []crafted{
		{name: "generic", file: build(false, le, pagesOf(3, u16, 48), false), kind: "generic", axes: "IYX", shape: []int{3, 4, 6}},
		{name: "uniform BigTIFF big-endian", file: build(true, be, pagesOf(9, u16, 48), false), kind: "uniform", axes: "IYX", shape: []int{9, 4, 6}},
		{name: "single page", file: build(false, be, pagesOf(1, gray(6, 4, 32, 3), 96), false), kind: "generic", axes: "YX", shape: []int{4, 6}},
		{name: "one row", file: build(false, le, pagesOf(2, gray(6, 1, 8, 2), 6), false), kind: "generic", axes: "IYX", shape: []int{2, 1, 6}},
		{name: "rgb", file: build(false, le, pagesOf(2, rgb, 60), false), kind: "generic", axes: "IYXS", shape: []int{2, 4, 5, 3}},
		{name: "planar", file: build(false, le, pagesOf(2, planar, 60), false), kind: "generic", axes: "ISYX", shape: []int{2, 3, 4, 5}},
		{name: "strips", file: build(false, le, strips, false), kind: "generic", axes: "IYX", shape: []int{2, 4, 6}},
		{name: "tiles as wide as the image", file: build(false, le, tiledWide, false), kind: "generic", axes: "IYX", shape: []int{2, 32, 16}},
		{name: "float16 big-endian", file: build(false, be, pagesOf(2, gray(6, 4, 16, 3), 48), false), kind: "generic", axes: "IYX", shape: []int{2, 4, 6}},
		{name: "complex64", file: build(false, le, pagesOf(1, gray(3, 2, 64, 6), 48), false), kind: "generic", axes: "YX", shape: []int{2, 3}},
		{name: "pages of two kinds", file: build(false, le, mixed, false), kind: "generic", axes: "IYX", shape: []int{2, 4, 6}},
		{name: "YCbCr without subsampling", file: build(false, le, pagesOf(1, with(ycc, 530, []uint64{1, 1}), 60), false), kind: "generic", axes: "YXS", shape: []int{4, 5, 3}},
		{name: "shaped", file: build(false, le, shaped, false), kind: "shaped", axes: "QQYX", shape: []int{2, 3, 4, 5}},
		{name: "shaped with axes", file: build(false, le, shapedAxes, false), kind: "shaped", axes: "TYX", shape: []int{2, 4, 5}},
		{name: "shaped, old style", file: build(false, le, legacy, false), kind: "shaped", axes: "QYX", shape: []int{3, 4, 5}},
		{name: "shaped, shape not of whole pages", file: build(false, le, shapedBad, false), kind: "generic", axes: "IYX", shape: []int{3, 4, 5}},
		{name: "ImageJ frames", file: build(false, le, ij("ImageJ=1.11a\nimages=4\nframes=2\nslices=2\nhyperstack=true\n", 4, u16, 48), false), kind: "imagej", axes: "TZYX", shape: []int{2, 2, 4, 6}},
		{name: "ImageJ order", file: build(false, be, ij("ImageJ=1.11a\nimages=6\nchannels=2\nslices=3\norder=zct\n", 6, u16, 48), false), kind: "imagej", axes: "CZYX", shape: []int{2, 3, 4, 6}},
		{name: "ImageJ RGB channels", file: build(false, le, ij("ImageJ=1.11a\nimages=2\nchannels=3\nframes=2\n", 2, rgb, 60), false), kind: "imagej", axes: "TYXS", shape: []int{2, 4, 5, 3}},
		{name: "ImageJ images only", file: build(false, le, ij("ImageJ=1.11a\n", 3, u16, 48), false), kind: "imagej", axes: "IYX", shape: []int{3, 4, 6}},

		{name: "compressed", file: build(false, le, pagesOf(1, with(u16, 259, []uint64{5}), 48), false), err: "compressed (compression 5, LZW)", unsup: true},
		{name: "pages with a gap", file: build(false, le, gapped, false), err: "not contiguous", unsup: true},
		{name: "strips with a gap", file: build(false, le, stripGap, false), err: "strips or tiles are not one contiguous run", unsup: true},
		{name: "tiles", file: build(false, le, tiled, false), err: "16x16 tiles", unsup: true},
		{name: "other pages between", file: build(false, le, interleaved, false), err: "not contiguous", unsup: true},
		{name: "fill order", file: build(false, le, pagesOf(1, with(u16, 266, []uint64{2}), 48), false), err: "FillOrder 2", unsup: true},
		{name: "predictor", file: build(false, le, pagesOf(1, with(u16, 317, []uint64{2}), 48), false), err: "predictor 2", unsup: true},
		{name: "YCbCr subsampled", file: build(false, le, pagesOf(1, ycc, 60), false), err: "subsampled", unsup: true},
		{name: "24-bit", file: build(false, le, pagesOf(1, gray(4, 2, 24, 1), 24), false), err: "24 bits per sample", unsup: true},
		{name: "mixed sample sizes", file: build(false, le, pagesOf(1, with(rgb, 258, []uint64{8, 16, 8}), 80), false), err: "differing bits per sample", unsup: true},
		{name: "complex integers", file: build(false, le, pagesOf(1, gray(2, 2, 32, 5), 16), false), err: "complex integers", unsup: true},
		// tifffile falls back to plain pages for this LSM, whose LSM
		// metadata is a lone tag; real LSM files get their shape from it.
		{name: "LSM", file: build(false, le, lsm, false), err: "Zeiss LSM files are not supported", unsup: true, stricter: true},
		{name: "ImageJ page of other planar configuration", file: build(false, le, ijPlanar, false), err: "planar configuration 2, not 1", unsup: true, stricter: true},
		{name: "ImageJ page out of place", file: build(false, le, ijGap, false), err: "not contiguous", unsup: true, stricter: true},
		{name: "loop", file: build(false, le, pagesOf(2, u16, 48), true), err: "loops back"},
	}
}

func TestCrafted(t *testing.T) {
	for _, c := range craftedCases() {
		t.Run(c.name, func(t *testing.T) {
			s, err := tiff.Read(bytes.NewReader(c.file), int64(len(c.file)))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !errors.Is(err, header.ErrFormat) || errors.Is(err, tiff.ErrUnsupported) != c.unsup {
					t.Fatalf("Read: %v, want an error mentioning %q (unsupported: %v)", err, c.err, c.unsup)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Kind != c.kind || s.Axes != c.axes || !cmp.Equal(s.Shape, c.shape) {
				t.Errorf("Read = %s %s %v, want %s %s %v", s.Kind, s.Axes, s.Shape, c.kind, c.axes, c.shape)
			}
		})
	}
}

// Every prefix of a file is refused with a format error, never a panic.
func TestTruncated(t *testing.T) {
	for _, c := range craftedCases()[:3] {
		for n := 0; n < len(c.file); n++ {
			if _, err := tiff.Read(bytes.NewReader(c.file[:n]), int64(n)); err != nil && !errors.Is(err, header.ErrFormat) {
				t.Fatalf("%s cut to %d bytes: %v is not a format error", c.name, n, err)
			}
		}
	}
}
