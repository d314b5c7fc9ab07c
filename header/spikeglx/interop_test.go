package spikeglx_test

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/header/spikeglx"
	"github.com/ndmap/ndmap/internal/arraytest"
	"github.com/ndmap/ndmap/internal/reftest"
)

// neoRead reads SpikeGLX run folders with neo and reports every stream.
const neoRead = `
import hashlib, json, sys, warnings
import numpy as np
from neo.rawio import SpikeGLXRawIO
warnings.simplefilter('ignore')
out = []
for dirname in sys.argv[1:]:
    r = SpikeGLXRawIO(dirname=dirname, load_sync_channel=True)
    r.parse_header()
    d = SpikeGLXRawIO(dirname=dirname)
    d.parse_header()
    for si, s in enumerate(r.header['signal_streams']):
        sid = s['id']
        info = r.signals_info_dict[0, sid]
        raw = r.get_analogsignal_chunk(0, 0, None, None, si, None)
        ch = r.header['signal_channels']
        ch = ch[ch['stream_id'] == sid]
        dch = d.header['signal_channels']
        dch = dch[dch['stream_id'] == sid]
        scale = 1e-6 if ch['units'][0] == 'uV' else 1.0
        out.append({'bin': info['bin_file'], 'stream': str(sid), 'descr': raw.dtype.str, 'shape': list(raw.shape),
                    'sha256': hashlib.sha256(np.ascontiguousarray(raw).tobytes()).hexdigest(),
                    'sample_rate': float(info['sampling_rate']),
                    'names': [str(n) for n in ch['name']], 'ids': [str(i) for i in ch['id']],
                    'volts': [float(g) * scale for g in dch['gain']]})
json.dump(out, sys.stdout)
`

type neoStream struct {
	Bin        string    `json:"bin"`
	Stream     string    `json:"stream"`
	Descr      string    `json:"descr"`
	Shape      []int     `json:"shape"`
	SHA256     string    `json:"sha256"`
	SampleRate float64   `json:"sample_rate"`
	Names      []string  `json:"names"`
	IDs        []string  `json:"ids"`
	Volts      []float64 `json:"volts"`
}

// checkWithNeo reads the run folders with neo, in one Python process as
// importing neo takes seconds, and checks that every stream it finds reads
// the same here.
func checkWithNeo(t *testing.T, dirs ...string) {
	t.Helper()
	var streams []neoStream
	reftest.PythonJSON(t, "neo.rawio", neoRead, &streams, dirs...)
	if len(streams) == 0 {
		t.Fatalf("neo found no streams in %s", dirs)
	}
	for _, s := range streams {
		d, err := reftest.Describe(s.Bin, "spikeglx")
		if err != nil {
			t.Fatal(err)
		}
		h, data := arraytest.OpenData(t, s.Bin, d)
		m := d.(*spikeglx.Meta)
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
		descr, _ := h.DType.Descr()
		if strings.Trim(descr, "'") != s.Descr || !cmp.Equal(h.Shape, s.Shape) || reftest.SHA256(data) != s.SHA256 || m.SampleRate != s.SampleRate ||
			!cmp.Equal(names, s.Names) || !cmp.Equal(ids, s.IDs) || !cmp.Equal(volts[:len(volts)-1], s.Volts, equalVolts) {
			t.Errorf("%s: ndmap reads %s %v sha256 %s %g Hz names %q ids %q volts %v;\nneo %s %v %s %g Hz %q %q %v",
				filepath.Base(s.Bin), descr, h.Shape, reftest.SHA256(data), m.SampleRate, names, ids, volts[:len(volts)-1],
				s.Descr, s.Shape, s.SHA256, s.SampleRate, s.Names, s.IDs, s.Volts)
		}
	}
}

// neo, run now, reads the fixtures as this package does, and recordings
// laid out here too: every AP and LF electrode of a Neuropixels 1.0 probe
// saved, a 2.0 prototype without imMaxInt, and an NI-DAQ stream without
// niMaxInt.
func TestNeo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rec_g0")
	write := func(rel string, chans, samples int, fields map[string]string) {
		t.Helper()
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		data := make([]byte, 2*chans*samples)
		for i := 0; i < chans*samples; i++ {
			binary.LittleEndian.PutUint16(data[2*i:], uint16(int16((i*7919)%4001-2000)))
		}
		fields["nSavedChans"] = fmt.Sprint(chans)
		fields["fileSizeBytes"] = fmt.Sprint(len(data))
		var keys []string
		for k := range fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, "%s=%s\r\n", k, fields[k])
		}
		if err := os.WriteFile(path+".meta", []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+".bin", data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gains := []int{50, 125, 250, 500, 1000, 1500, 2000, 3000}
	var imro, apMap, lfMap strings.Builder
	imro.WriteString("(0,384)")
	apMap.WriteString("(384,384,1)")
	lfMap.WriteString("(384,384,1)")
	for c := range 384 {
		fmt.Fprintf(&imro, "(%d 0 0 %d %d 1)", c, gains[c%8], gains[(c*3+1)%8])
		fmt.Fprintf(&apMap, "(AP%d;%d:%d)", c, c, c)
		fmt.Fprintf(&lfMap, "(LF%d;%d:%d)", c, c+384, c)
	}
	np1 := func(band, subset, chanMap, rate string) map[string]string {
		return map[string]string{"typeThis": "imec", "acqApLfSy": "384,384,1", "imAiRangeMax": "0.6", "imAiRangeMin": "-0.6",
			"imMaxInt": "512", "imDatPrb_type": "0", "imSampRate": rate, "snsApLfSy": band, "snsSaveChanSubset": subset,
			"~imroTbl": imro.String(), "~snsChanMap": chanMap}
	}
	write("rec_g0_imec0/rec_g0_t0.imec0.ap", 385, 6, np1("384,0,1", "0:383,768", apMap.String()+"(SY0;768:384)", "30000.02"))
	write("rec_g0_imec0/rec_g0_t0.imec0.lf", 385, 3, np1("0,384,1", "384:767,768", lfMap.String()+"(SY0;768:384)", "2500.0017"))
	write("rec_g0_imec1/rec_g0_t0.imec1.ap", 3, 20, map[string]string{"typeThis": "imec", "acqApLfSy": "384,0,1", "imAiRangeMax": "0.5",
		"imDatPrb_type": "21", "imSampRate": "30000", "snsApLfSy": "2,0,1", "snsSaveChanSubset": "100,200,384",
		"~snsChanMap": "(384,0,1)(AP100;100:0)(AP200;200:1)(SY0;384:2)"})
	write("rec_g0_t0.nidq", 4, 25, map[string]string{"typeThis": "nidq", "acqMnMaXaDw": "0,0,3,1", "snsMnMaXaDw": "0,0,3,1",
		"niAiRangeMax": "10", "niMNGain": "200", "niMAGain": "1", "niSampRate": "10000", "snsSaveChanSubset": "all",
		"~snsChanMap": "(0,0,0,3,1)(XA0;0:0)(XA1;1:1)(XA2;2:2)(XD0;3:3)"})
	checkWithNeo(t, filepath.Join(testdata, "run_g0"), dir)
}
