package spikeglx_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/header/spikeglx"
	"github.com/ndmap/ndmap/internal/arraytest"
	"github.com/ndmap/ndmap/internal/reftest"
)

var testdata = reftest.Dir("spikeglx")

// The fixtures and what neo reads from them are written by
// testdata/spikeglx/gen.py.
type manifest struct {
	Streams []struct {
		Bin        string    `json:"bin"`
		Meta       string    `json:"meta"`
		Stream     string    `json:"stream"`
		Descr      string    `json:"descr"`
		Shape      []int     `json:"shape"`
		SHA256     string    `json:"sha256"`
		SampleRate float64   `json:"sample_rate"`
		Names      []string  `json:"names"`
		IDs        []string  `json:"ids"`
		Volts      []float64 `json:"volts"`
	} `json:"streams"`
	Bad []struct {
		Bin   string `json:"bin"`
		Meta  string `json:"meta"`
		Error string `json:"error"`
	} `json:"bad"`
}

// readManifest loads the manifest gen.py wrote beside the fixtures.
func readManifest(t *testing.T) manifest {
	t.Helper()
	var m manifest
	reftest.LoadJSON(t, filepath.Join(testdata, "manifest.json"), &m)
	return m
}

// equalVolts compares factors to within rounding: neo's imec gains went
// through microvolts and back.
var equalVolts = cmpopts.EquateApprox(1e-12, 0)

// Every stream neo reads from the fixtures reads the same here: dtype,
// shape, values, sample rate, channel names and ids, and volts per count
// of every channel neo scales.
func TestFixtures(t *testing.T) {
	for _, e := range readManifest(t).Streams {
		t.Run(e.Stream, func(t *testing.T) {
			path := filepath.Join(testdata, e.Bin)
			d, err := reftest.Describe(path, "spikeglx")
			if err != nil {
				t.Fatal(err)
			}
			h, data := arraytest.OpenData(t, path, d)
			descr, _ := h.DType.Descr()
			if strings.Trim(descr, "'") != e.Descr || !cmp.Equal(h.Shape, e.Shape) || h.DataOffset != 0 || reftest.SHA256(data) != e.SHA256 {
				t.Errorf("read %s %v at %d sha256 %s; neo %s %v %s", descr, h.Shape, h.DataOffset, reftest.SHA256(data), e.Descr, e.Shape, e.SHA256)
			}
			m := d.(*spikeglx.Meta)
			if m.Stream != e.Stream || m.SampleRate != e.SampleRate {
				t.Errorf("stream %q at %g Hz; neo %q at %g Hz", m.Stream, m.SampleRate, e.Stream, e.SampleRate)
			}
			chans, err := m.Channels()
			if err != nil {
				t.Fatal(err)
			}
			var names, ids []string
			var volts []float64
			for _, c := range chans {
				names = append(names, c.Name)
				ids = append(ids, m.Stream+"#"+c.Name)
				volts = append(volts, c.Volts)
			}
			if !cmp.Equal(names, e.Names) || !cmp.Equal(ids, e.IDs) {
				t.Errorf("names %q ids %q; neo %q %q", names, ids, e.Names, e.IDs)
			}
			// neo scales all but the last channel, the sync word.
			if !cmp.Equal(volts[:len(volts)-1], e.Volts, equalVolts) {
				t.Errorf("volts per count %v; neo %v", volts[:len(volts)-1], e.Volts)
			}
			v, err := m.VoltsPerCount()
			if err != nil || !cmp.Equal(v, volts) {
				t.Errorf("VoltsPerCount() = %v, %v; Channels gave %v", v, err, volts)
			}
		})
	}
}

func TestBadFixtures(t *testing.T) {
	for _, e := range readManifest(t).Bad {
		t.Run(filepath.Base(e.Meta), func(t *testing.T) {
			path := filepath.Join(testdata, e.Bin)
			d, err := reftest.Describe(path, "spikeglx")
			if err == nil {
				var fi os.FileInfo
				if fi, err = os.Stat(path); err == nil {
					_, err = d.Describe(nil, fi.Size())
				}
			}
			if err == nil || !strings.Contains(err.Error(), e.Error) || !errors.Is(err, header.ErrFormat) {
				t.Fatalf("error %v, want a format error mentioning %q", err, e.Error)
			}
		})
	}
}

var readTests = []struct {
	name string
	in   string
	want *spikeglx.Meta
	err  string
	off  int64
}{
	{
		name: "minimal",
		in:   "nSavedChans=3\n",
		want: &spikeglx.Meta{SavedChans: 3, FileSize: -1, Fields: []spikeglx.Field{{Key: "nSavedChans", Value: "3", Offset: 12}}},
	},
	{
		name: "CRLF, spaces, no newline at the end, = in a value, a line without =",
		in:   "imSampRate=30000.5\r\nuserNotes=a=b\r\n nSavedChans = 385 \r\nno equals\r\nfileSizeBytes=770",
		want: &spikeglx.Meta{SavedChans: 385, FileSize: 770, SampleRate: 30000.5, Fields: []spikeglx.Field{
			{Key: "imSampRate", Value: "30000.5", Offset: 11}, {Key: "userNotes", Value: "a=b", Offset: 30},
			{Key: "nSavedChans", Value: "385", Offset: 50}, {Key: "fileSizeBytes", Value: "770", Offset: 81}}},
	},
	{name: "empty", in: "", err: "nSavedChans is missing", off: 0},
	{name: "missing", in: "typeThis=imec\n", err: "nSavedChans is missing", off: 14},
	{name: "zero", in: "nSavedChans=0\n", err: `nSavedChans "0"`, off: 12},
	{name: "negative", in: "nSavedChans=-1\n", err: `nSavedChans "-1"`, off: 12},
	{name: "too many", in: "nSavedChans=1048577\n", err: `nSavedChans "1048577"`, off: 12},
	{name: "size", in: "nSavedChans=2\nfileSizeBytes=1e6\n", err: `fileSizeBytes "1e6"`, off: 28},
	{name: "rate", in: "nSavedChans=2\nniSampRate=0\n", err: `niSampRate "0"`, off: 25},
	{name: "rate NaN", in: "nSavedChans=2\ntypeThis=imec\nimSampRate=NaN\n", err: `imSampRate "NaN"`, off: 39},
}

func TestRead(t *testing.T) {
	for _, tt := range readTests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := spikeglx.Read(strings.NewReader(tt.in), int64(len(tt.in)))
			if tt.err != "" {
				var fe *header.FormatError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.err) || fe.Offset != tt.off || fe.Format != "spikeglx" {
					t.Fatalf("Read(%q) = %v, want a FormatError at byte %d mentioning %q", tt.in, err, tt.off, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Read(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, m); diff != "" {
				t.Errorf("Read(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	m := &spikeglx.Meta{SavedChans: 3, FileSize: 60}
	for _, tt := range []struct {
		size  int64
		shape []int
		err   string
	}{
		{60, []int{10, 3}, ""},
		{100, []int{10, 3}, ""},                 // bytes past fileSizeBytes are ignored
		{58, nil, "shorter than fileSizeBytes"}, // truncated
	} {
		h, err := m.Describe(nil, tt.size)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Describe(%d) error %v, want %q", tt.size, err, tt.err)
			}
			continue
		}
		if err != nil || !cmp.Equal(h.Shape, tt.shape) || !h.DType.Equal(spikeglx.DType) {
			t.Errorf("Describe(%d) = %+v, %v; want shape %v", tt.size, h, err, tt.shape)
		}
	}
	// Without fileSizeBytes the .bin's size decides, a partial last time
	// point dropped as SpikeGLX's tools drop it.
	m.FileSize = -1
	if h, err := m.Describe(nil, 65); err != nil || !cmp.Equal(h.Shape, []int{10, 3}) {
		t.Errorf("Describe(65) without fileSizeBytes = %+v, %v", h, err)
	}
}

func meta(t *testing.T, lines ...string) *spikeglx.Meta {
	t.Helper()
	text := strings.Join(lines, "\n") + "\n"
	m, err := spikeglx.Read(strings.NewReader(text), int64(len(text)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestChannels(t *testing.T) {
	const v = 0.6 / 512
	for _, tt := range []struct {
		name  string
		meta  []string
		want  []spikeglx.Channel
		err   string
		unsup bool
	}{
		{
			name: "NP1.0, all saved, no channel map: names from the kinds",
			meta: []string{"nSavedChans=5", "typeThis=imec", "imAiRangeMax=0.6", "snsApLfSy=2,2,1",
				"~imroTbl=(0,2)(0 0 0 500 250 1)(1 0 0 1000 50 1)"},
			want: []spikeglx.Channel{
				{Name: "AP0", Index: 0, Kind: spikeglx.AP, Gain: 500, Volts: v / 500},
				{Name: "AP1", Index: 1, Kind: spikeglx.AP, Gain: 1000, Volts: v / 1000},
				{Name: "LF0", Index: 2, Kind: spikeglx.LF, Gain: 250, Volts: v / 250},
				{Name: "LF1", Index: 3, Kind: spikeglx.LF, Gain: 50, Volts: v / 50},
				{Name: "SY0", Index: 4, Kind: spikeglx.SY, Volts: 1},
			},
		},
		{
			name: "a subset of an LF band",
			meta: []string{"nSavedChans=2", "typeThis=imec", "imAiRangeMax=0.6", "imMaxInt=512", "acqApLfSy=2,2,1",
				"snsSaveChanSubset=3,4", "~imroTbl=(0,2)(0 0 0 500 250 1)(1 0 0 1000 50 1)", "~snsChanMap=(2,2,1)(LF1;3:0)(SY0;4:1)"},
			want: []spikeglx.Channel{
				{Name: "LF1", Index: 3, Kind: spikeglx.LF, Gain: 50, Volts: v / 50},
				{Name: "SY0", Index: 4, Kind: spikeglx.SY, Volts: 1},
			},
		},
		{
			name: "NP2.0 prototype: gain 80, 14 bits",
			meta: []string{"nSavedChans=2", "imDatPrb_type=21", "imAiRangeMax=0.5", "acqApLfSy=384,0,1", "snsSaveChanSubset=7,384"},
			want: []spikeglx.Channel{
				{Name: "AP7", Index: 7, Kind: spikeglx.AP, Gain: 80, Volts: 0.5 / 8192 / 80},
				{Name: "SY0", Index: 384, Kind: spikeglx.SY, Volts: 1},
			},
		},
		{
			name: "gain from imChan0apGain",
			meta: []string{"nSavedChans=3", "typeThis=imec", "imDatPrb_type=2013", "imAiRangeMax=0.62", "imMaxInt=2048",
				"imChan0apGain=100", "imChan0lfGain=25", "acqApLfSy=1,1,1"},
			want: []spikeglx.Channel{
				{Name: "AP0", Index: 0, Kind: spikeglx.AP, Gain: 100, Volts: 0.62 / 2048 / 100},
				{Name: "LF0", Index: 1, Kind: spikeglx.LF, Gain: 25, Volts: 0.62 / 2048 / 25},
				{Name: "SY0", Index: 2, Kind: spikeglx.SY, Volts: 1},
			},
		},
		{
			name: "nidq",
			meta: []string{"nSavedChans=4", "typeThis=nidq", "niAiRangeMax=10", "niMaxInt=32768", "niMNGain=100", "niMAGain=4",
				"snsMnMaXaDw=1,1,1,1", "acqMnMaXaDw=2,1,1,1", "snsSaveChanSubset=1,2,3,4"},
			want: []spikeglx.Channel{
				{Name: "MN1", Index: 1, Kind: spikeglx.MN, Gain: 100, Volts: 10.0 / 32768 / 100},
				{Name: "MA0", Index: 2, Kind: spikeglx.MA, Gain: 4, Volts: 10.0 / 32768 / 4},
				{Name: "XA0", Index: 3, Kind: spikeglx.XA, Gain: 1, Volts: 10.0 / 32768},
				{Name: "XD0", Index: 4, Kind: spikeglx.XD, Volts: 1},
			},
		},
		{name: "obx", meta: []string{"nSavedChans=2", "typeThis=obx"}, err: `gains of "obx" streams`, unsup: true},
		{name: "unknown probe", meta: []string{"nSavedChans=2", "typeThis=imec", "imDatPrb_type=1110", "imAiRangeMax=0.6", "acqApLfSy=1,0,1"}, err: "probe type 1110", unsup: true},
		{name: "no range", meta: []string{"nSavedChans=2", "typeThis=imec", "acqApLfSy=1,0,1"}, err: "imAiRangeMax is missing"},
		{name: "subset without acq counts", meta: []string{"nSavedChans=1", "typeThis=imec", "imAiRangeMax=1", "snsSaveChanSubset=3"}, err: "acqApLfSy is missing"},
		{name: "subset too short", meta: []string{"nSavedChans=3", "typeThis=nidq", "snsSaveChanSubset=0:1"}, err: "lists 2 channels"},
		{name: "subset too long", meta: []string{"nSavedChans=3", "typeThis=nidq", "snsSaveChanSubset=0:99999999999999999999"}, err: "is not a channel or a range"},
		{name: "subset huge range", meta: []string{"nSavedChans=3", "typeThis=nidq", "snsSaveChanSubset=0:99999999"}, err: "more than the 3 saved"},
		{name: "subset backwards", meta: []string{"nSavedChans=3", "typeThis=nidq", "snsSaveChanSubset=5:2"}, err: "not a channel or a range"},
		{name: "past acquired", meta: []string{"nSavedChans=1", "typeThis=imec", "imAiRangeMax=1", "imDatPrb_type=24", "acqApLfSy=1,0,1", "snsSaveChanSubset=2"}, err: "past the 2 acquired"},
		{name: "imro short", meta: []string{"nSavedChans=2", "typeThis=imec", "imAiRangeMax=1", "snsApLfSy=1,0,1", "~imroTbl=(0,1)"}, err: "none for electrode 0"},
		{name: "imro gain", meta: []string{"nSavedChans=2", "typeThis=imec", "imAiRangeMax=1", "snsApLfSy=1,0,1", "~imroTbl=(0,1)(0 0 0 0 250 1)"}, err: `gain "0"`},
		{name: "imro not a table", meta: []string{"nSavedChans=2", "typeThis=imec", "imAiRangeMax=1", "snsApLfSy=1,0,1", "~imroTbl=0 0 0 500"}, err: "parenthesised"},
		{name: "counts", meta: []string{"nSavedChans=2", "typeThis=nidq", "snsMnMaXaDw=1,1"}, err: `snsMnMaXaDw "1,1" is not 4 counts`},
		{name: "counts sum", meta: []string{"nSavedChans=2", "typeThis=nidq", "snsMnMaXaDw=1,1,1,0"}, err: "counts 3 channels"},
		{name: "MN gain", meta: []string{"nSavedChans=1", "typeThis=nidq", "snsMnMaXaDw=1,0,0,0", "niAiRangeMax=5"}, err: "niMNGain is missing"},
		{name: "map length", meta: []string{"nSavedChans=1", "typeThis=nidq", "snsMnMaXaDw=0,0,1,0", "niAiRangeMax=5", "~snsChanMap=(0,0,1,0,0)(XA0;0:0)(XA1;1:1)"}, err: "has 2 entries"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := meta(t, tt.meta...)
			chans, err := m.Channels()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, header.ErrFormat) || errors.Is(err, spikeglx.ErrUnsupported) != tt.unsup {
					t.Fatalf("Channels() error %v, want a format error mentioning %q (unsupported: %v)", err, tt.err, tt.unsup)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, chans, cmpopts.EquateApprox(1e-15, 0)); diff != "" {
				t.Errorf("Channels() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bin := write("r_g0_t0.imec0.ap.bin", "\x01\x00\x02\x00")
	metaFile := write("r_g0_t0.imec0.ap.meta", "acqApLfSy=1,0,1\nnSavedChans=2\n")
	other := write("plain.bin", "abcd")
	write("plain.meta", "not a meta file\n")
	npy := write("x.npy", "\x93NUMPY")
	write("x.meta", "nSavedChans=2\n")
	f, _ := header.LookupFormat("spikeglx")
	for _, tt := range []struct {
		path string
		want bool
	}{{bin, true}, {metaFile, true}, {other, false}, {npy, false}, {filepath.Join(dir, "none.bin"), false}} {
		if got := f.Match(tt.path, nil); got != tt.want {
			t.Errorf("Match(%s) = %v, want %v", filepath.Base(tt.path), got, tt.want)
		}
	}
	if _, err := spikeglx.MetaFile(other); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("MetaFile(%s) error %v, want one wrapping fs.ErrNotExist", other, err)
	}
	if _, err := f.Describer(metaFile); err == nil || !strings.Contains(err.Error(), "open its data, "+bin) {
		t.Errorf("Describer of the meta file: %v, want an error naming %s", err, bin)
	}
	d, err := f.Describer(bin)
	if err != nil {
		t.Fatal(err)
	}
	if m := d.(*spikeglx.Meta); m.Stream != "imec0.ap" || m.Type() != "imec" {
		t.Errorf("Stream %q Type %q, want imec0.ap, imec", m.Stream, m.Type())
	}
	for _, tt := range []struct{ name, want string }{
		{"run_g0_t0.imec12.lf.bin", "imec12.lf"}, {"/a.b/run_g1_t3.nidq.meta", "nidq"}, {"run.obx0.obx.bin", "obx0.obx"}, {"run.bin", ""},
	} {
		if got := spikeglx.StreamName(tt.name); got != tt.want {
			t.Errorf("StreamName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
