package spikeglx

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ndmap/ndmap/header"
)

// Kind is the kind of a saved channel, as SpikeGLX names them.
type Kind uint8

// The channel kinds of imec and nidq streams.
const (
	AP Kind = iota + 1 // imec: action-potential band of an electrode
	LF                 // imec: local-field band of an electrode
	SY                 // imec: the sync and status word
	MN                 // nidq: multiplexed neural analog input
	MA                 // nidq: multiplexed auxiliary analog input
	XA                 // nidq: non-multiplexed analog input
	XD                 // nidq: a word of 16 digital lines
)

var kindNames = [...]string{AP: "AP", LF: "LF", SY: "SY", MN: "MN", MA: "MA", XA: "XA", XD: "XD"}

// String returns the kind's two-letter name, as in channel names.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Digital reports whether channels of this kind hold bits rather than a
// voltage: SY and XD.
func (k Kind) Digital() bool { return k == SY || k == XD }

// Channel is one saved channel: one column of the array.
type Channel struct {
	// Name is the channel's name from the ~snsChanMap field ("AP12",
	// "LF3", "SY0", "MN0C2", "XA1", "XD0"), as neo names it; without a
	// channel map it is made from Kind and Index the same way. neo's
	// channel id is the stream name, "#", and this name.
	Name string

	// Index is the channel's number among those acquired, from the
	// snsSaveChanSubset field: 768 for the sync word of a Neuropixels 1.0
	// probe even when only a few of its electrodes were saved.
	Index int

	Kind Kind

	// Gain is the amplifier gain the voltage was recorded with: the imro
	// table's AP or LF gain of the electrode, imChan0apGain/imChan0lfGain,
	// 80 for Neuropixels 2.0 prototypes, niMNGain or niMAGain; 1 for XA
	// channels; 0 for digital words.
	Gain float64

	// Volts is the factor that turns a stored int16 into volts at the
	// electrode: AiRangeMax / MaxInt / Gain. For digital words it is 1,
	// leaving the bits as a number.
	Volts float64
}

// Channels returns the saved channels, in the order of the array's
// columns, with their names, acquired indices, kinds and conversion to
// volts. It reads the fields SpikeGLX's own offline tools read: for imec
// streams imAiRangeMax, imMaxInt (512, or 8192 for probe types 21 and 24,
// when absent), acqApLfSy, imDatPrb_type and ~imroTbl (or imChan0apGain
// and imChan0lfGain); for nidq streams niAiRangeMax, niMaxInt (32768 when
// absent), snsMnMaXaDw, niMNGain and niMAGain; for both snsSaveChanSubset
// and ~snsChanMap.
//
// Malformed or missing fields give a [*header.FormatError] at the field's
// value; streams whose gains are not known (obx, or a probe type with
// neither a per-channel imro table nor imChan0apGain) give one that also
// wraps [ErrUnsupported].
func (m *Meta) Channels() ([]Channel, error) {
	d := &metaDecoder{m: m, base: map[Kind]int{}}
	chans := make([]Channel, m.SavedChans)
	idx := d.subset()
	if d.err != nil {
		return nil, d.err
	}
	for i := range chans {
		chans[i].Index = idx[i]
	}
	switch t := m.Type(); t {
	case "imec":
		d.imec(chans)
	case "nidq":
		d.nidq(chans)
	default:
		f, _ := m.field("typeThis")
		return nil, &header.FormatError{Offset: f.Offset, Format: "spikeglx", Msg: fmt.Sprintf("the gains of %q streams are not known", t), Err: ErrUnsupported}
	}
	d.names(chans)
	if d.err != nil {
		return nil, d.err
	}
	return chans, nil
}

// VoltsPerCount returns [Channel.Volts] of every saved channel, in column
// order: what each column's int16 values are multiplied by to give volts.
func (m *Meta) VoltsPerCount() ([]float64, error) {
	chans, err := m.Channels()
	if err != nil {
		return nil, err
	}
	v := make([]float64, len(chans))
	for i, c := range chans {
		v[i] = c.Volts
	}
	return v, nil
}

// metaDecoder decodes fields, keeping the first error.
type metaDecoder struct {
	m    *Meta
	base map[Kind]int // the acquired index of each kind's channel 0, for names made without a map
	err  error
}

func (d *metaDecoder) fail(f Field, unsupported bool, format string, args ...any) {
	if d.err != nil {
		return
	}
	e := &header.FormatError{Offset: f.Offset, Format: "spikeglx", Msg: fmt.Sprintf(format, args...)}
	if unsupported {
		e.Err = ErrUnsupported
	}
	d.err = e
}

// get returns a required field.
func (d *metaDecoder) get(key string) (Field, bool) {
	f, ok := d.m.field(key)
	if !ok {
		d.fail(Field{Offset: d.end()}, false, "%s is missing", key)
	}
	return f, ok
}

func (d *metaDecoder) end() int64 {
	var end int64
	for _, f := range d.m.Fields {
		end = max(end, f.Offset+int64(len(f.Value)))
	}
	return end
}

// positive returns the field key as a positive finite number, or def when
// the field is absent and def is not 0.
func (d *metaDecoder) positive(key string, def float64) float64 {
	f, ok := d.m.field(key)
	if !ok {
		if def == 0 {
			d.get(key)
		}
		return def
	}
	x, err := strconv.ParseFloat(f.Value, 64)
	if err != nil || !(x > 0) || math.IsInf(x, 0) {
		d.fail(f, false, "%s %q is not a positive number", key, f.Value)
		return 1
	}
	return x
}

// counts returns the field key as n comma-separated non-negative integers.
func (d *metaDecoder) counts(key string, n int) []int {
	f, ok := d.get(key)
	if !ok {
		return make([]int, n)
	}
	parts := strings.Split(f.Value, ",")
	c := make([]int, n)
	if len(parts) != n {
		d.fail(f, false, "%s %q is not %d counts", key, f.Value, n)
		return c
	}
	for i, p := range parts {
		x, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || x < 0 || x > maxChans {
			d.fail(f, false, "%s %q is not %d counts", key, f.Value, n)
			return make([]int, n)
		}
		c[i] = x
	}
	return c
}

// subset returns the acquired index of each saved channel, from
// snsSaveChanSubset: "all", or a list of channels and inclusive ranges
// such as "0:7,768".
func (d *metaDecoder) subset() []int {
	n := d.m.SavedChans
	f, ok := d.m.field("snsSaveChanSubset")
	if !ok || f.Value == "all" {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := make([]int, 0, n)
	for _, p := range strings.Split(f.Value, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(p), ":")
		a, err1 := strconv.Atoi(lo)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 0 || b < a {
			d.fail(f, false, "snsSaveChanSubset item %q is not a channel or a range a:b", p)
			return nil
		}
		if b-a >= n-len(idx) {
			d.fail(f, false, "snsSaveChanSubset %q lists more than the %d saved channels", f.Value, n)
			return nil
		}
		for c := a; c <= b; c++ {
			idx = append(idx, c)
		}
	}
	if len(idx) != n {
		d.fail(f, false, "snsSaveChanSubset %q lists %d channels, not nSavedChans=%d", f.Value, len(idx), n)
		return nil
	}
	return idx
}

// np1Types are the probe types whose imro table gives each channel its
// own AP and LF gain (fields 3 and 4 of its entry), as for Neuropixels
// 1.0 (type 0).
var np1Types = []int{0, 1020, 1030, 1100, 1120, 1121, 1122, 1123, 1200, 1300}

// imec fills in the kinds and gains of an imec stream.
func (d *metaDecoder) imec(chans []Channel) {
	// The kinds follow from the acquired index: AP, then LF, then SY
	// channels, as many as acqApLfSy says. When everything was saved the
	// saved counts, snsApLfSy, say the same of the file's own columns.
	key := "acqApLfSy"
	if f, ok := d.m.field("snsSaveChanSubset"); (!ok || f.Value == "all") && d.has("snsApLfSy") {
		key = "snsApLfSy"
	}
	acq := d.counts(key, 3)
	probe := 0
	pf, ok := d.m.field("imDatPrb_type")
	if ok {
		p, err := strconv.Atoi(pf.Value)
		if err != nil {
			d.fail(pf, false, "imDatPrb_type %q is not a probe type", pf.Value)
		}
		probe = p
	}
	maxInt := 512.0
	if probe == 21 || probe == 24 {
		maxInt = 8192
	}
	volts := d.positive("imAiRangeMax", 0) / d.positive("imMaxInt", maxInt)
	if d.err != nil {
		return
	}
	nAP, nLF, nSY := acq[0], acq[1], acq[2]
	d.base[LF], d.base[SY] = nAP, nAP+nLF
	var imro []string
	apGain, lfGain := 0.0, 0.0
	switch {
	case slices.Contains(np1Types, probe):
		if f, ok := d.get("~imroTbl"); ok {
			imro = d.entries(f)
		}
	case d.has("imChan0apGain"):
		apGain = d.positive("imChan0apGain", 0)
		if nLF > 0 {
			lfGain = d.positive("imChan0lfGain", 0)
		}
	case probe == 21 || probe == 24:
		apGain = 80 // fixed in these prototype probes, as SpikeGLX documents
	default:
		d.fail(pf, true, "the gains of probe type %d are not known without imChan0apGain", probe)
	}
	if d.err != nil {
		return
	}
	for i := range chans {
		c := &chans[i]
		k := c.Index
		switch {
		case k < nAP:
			c.Kind, c.Gain = AP, apGain
			if imro != nil {
				c.Gain = d.imroGain(imro, k, 3)
			}
		case k < nAP+nLF:
			c.Kind, c.Gain = LF, lfGain
			if imro != nil {
				c.Gain = d.imroGain(imro, k-nAP, 4)
			}
		case k < nAP+nLF+nSY:
			c.Kind = SY
		default:
			f, _ := d.m.field("snsSaveChanSubset")
			d.fail(f, false, "saved channel %d is past the %d acquired (%s)", k, nAP+nLF+nSY, key)
			return
		}
		if c.Kind.Digital() {
			c.Volts = 1
		} else {
			c.Volts = volts / c.Gain
		}
	}
}

func (d *metaDecoder) has(key string) bool {
	_, ok := d.m.field(key)
	return ok
}

// entries splits a table field "(header)(entry)(entry)..." into its
// entries, the header dropped.
func (d *metaDecoder) entries(f Field) []string {
	v := f.Value
	if len(v) < 2 || v[0] != '(' || v[len(v)-1] != ')' {
		d.fail(f, false, "%s is not a list of parenthesised entries", f.Key)
		return nil
	}
	return strings.Split(v[1:len(v)-1], ")(")[1:]
}

// imroGain returns field i of imro entry n, a gain.
func (d *metaDecoder) imroGain(imro []string, n, i int) float64 {
	f, _ := d.m.field("~imroTbl")
	if n >= len(imro) {
		d.fail(f, false, "~imroTbl has %d entries, none for electrode %d", len(imro), n)
		return 1
	}
	parts := strings.Fields(imro[n])
	if len(parts) <= i {
		d.fail(f, false, "~imroTbl entry %d %q has no gain field %d", n, imro[n], i)
		return 1
	}
	g, err := strconv.ParseFloat(parts[i], 64)
	if err != nil || !(g > 0) || math.IsInf(g, 0) {
		d.fail(f, false, "~imroTbl entry %d %q has gain %q", n, imro[n], parts[i])
		return 1
	}
	return g
}

// nidq fills in the kinds and gains of a nidq stream, whose saved
// channels lie in the order MN, MA, XA, XD, as many of each as
// snsMnMaXaDw says.
func (d *metaDecoder) nidq(chans []Channel) {
	c := d.counts("snsMnMaXaDw", 4)
	if d.err != nil {
		return
	}
	if c[0]+c[1]+c[2]+c[3] != len(chans) {
		f, _ := d.m.field("snsMnMaXaDw")
		d.fail(f, false, "snsMnMaXaDw counts %d channels, not nSavedChans=%d", c[0]+c[1]+c[2]+c[3], len(chans))
		return
	}
	acq := c
	if d.has("acqMnMaXaDw") {
		acq = d.counts("acqMnMaXaDw", 4)
	}
	d.base[MA], d.base[XA], d.base[XD] = acq[0], acq[0]+acq[1], acq[0]+acq[1]+acq[2]
	volts := d.positive("niAiRangeMax", 0) / d.positive("niMaxInt", 32768)
	mnGain, maGain := 1.0, 1.0
	if c[0] > 0 {
		mnGain = d.positive("niMNGain", 0)
	}
	if c[1] > 0 {
		maGain = d.positive("niMAGain", 0)
	}
	for i := range chans {
		ch := &chans[i]
		switch {
		case i < c[0]:
			ch.Kind, ch.Gain = MN, mnGain
		case i < c[0]+c[1]:
			ch.Kind, ch.Gain = MA, maGain
		case i < c[0]+c[1]+c[2]:
			ch.Kind, ch.Gain = XA, 1
		default:
			ch.Kind, ch.Volts = XD, 1
			continue
		}
		ch.Volts = volts / ch.Gain
	}
}

// names fills in channel names from ~snsChanMap, whose entries after the
// header are "name;index:order", one for each saved channel; without it,
// from the kinds.
func (d *metaDecoder) names(chans []Channel) {
	if d.err != nil {
		return
	}
	f, ok := d.m.field("~snsChanMap")
	if !ok {
		for i := range chans {
			c := &chans[i]
			c.Name = c.Kind.String() + strconv.Itoa(c.Index-d.base[c.Kind])
		}
		return
	}
	e := d.entries(f)
	if d.err != nil {
		return
	}
	if len(e) != len(chans) {
		d.fail(f, false, "~snsChanMap has %d entries, not nSavedChans=%d", len(e), len(chans))
		return
	}
	for i := range chans {
		name, _, _ := strings.Cut(e[i], ";")
		chans[i].Name = name
	}
}
