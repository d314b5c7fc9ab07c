package header

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/layout"
)

// requireNumPy returns a Python interpreter that can import numpy: $PYTHON,
// else python3 in /usr/bin or on the PATH. Without one the test is skipped,
// or fails when CI=true, where NumPy must be present.
func requireNumPy(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("PYTHON"), "/usr/bin/python3", "python3"}
	for _, py := range candidates {
		if py != "" && exec.Command(py, "-c", "import numpy").Run() == nil {
			return py
		}
	}
	// CI runs the tests as Windows programs too, under Wine, which has no
	// Python: NumPy is required of the Unix run alone.
	if os.Getenv("CI") == "true" && runtime.GOOS != "windows" {
		t.Fatal("NumPy is required when CI=true: no python3 here can import numpy")
	}
	t.Skip("no python3 with numpy; set PYTHON to one")
	return ""
}

// numpyCheck loads each file with NumPy and reports the header NumPy reads
// and the header NumPy itself writes for it.
const numpyCheck = `
import io, json, sys
import numpy as np
from numpy.lib import format
out = []
for p in sys.argv[1:]:
    with open(p, 'rb') as f:
        v = format.read_magic(f)
        shape, fortran, dt = format._read_array_header(f, v, max_header_size=1 << 20)
    a = np.load(p, max_header_size=1 << 20)
    assert a.shape == shape and a.dtype == dt, p
    buf = io.BytesIO()
    format._write_array_header(buf, {'descr': format.dtype_to_descr(dt), 'fortran_order': fortran, 'shape': shape})
    out.append({'descr': repr(format.dtype_to_descr(a.dtype)), 'shape': list(a.shape),
                'fortran': fortran, 'header': buf.getvalue().hex()})
json.dump(out, sys.stdout)
`

// Headers written by Encode, with their data appended, load in NumPy with the
// same dtype, shape and order, and NumPy writes the same bytes for them.
func TestNumPyLoads(t *testing.T) {
	py := requireNumPy(t)
	var headers []Header
	for _, e := range loadManifest(t).NPY {
		if e.Member != "" || e.Raw {
			continue
		}
		h := *mustRead(t, e.File)
		h.Version = Version{}
		headers = append(headers, h)
		if len(h.Shape) >= 2 {
			h.FortranOrder = !h.FortranOrder
			headers = append(headers, h)
		}
		// Long dimensions change the spare spaces; a zero keeps the data empty.
		h.Shape = append([]int{min(123456789012, math.MaxInt), 0}, h.Shape...)
		headers = append(headers, h, Header{DType: h.DType, Shape: []int{0, min(98765432109, math.MaxInt)}, FortranOrder: true})
	}
	// Records whose headers straddle the largest a version 1.0 header can
	// be: the last three NumPy writes as 1.0 and the first three as 2.0.
	var v1s, v2s []Header
	for extra := 0; extra < 80 && len(v2s) < 3; extra++ {
		fields := make([]layout.Field, 0, 3441)
		for i := range 3440 {
			fields = append(fields, layout.Field{Name: fmt.Sprintf("f%05d", i), Offset: i, Type: layout.Uint8})
		}
		fields = append(fields, layout.Field{Name: strings.Repeat("x", extra+10), Offset: 3440, Type: layout.Uint8})
		dt, err := layout.StructOf(fields, 3441)
		if err != nil {
			t.Fatal(err)
		}
		h := Header{DType: dt, Shape: []int{1}}
		b, err := Encode(h)
		if err != nil {
			t.Fatal(err)
		}
		if b[6] == 1 {
			v1s = append(v1s, h)
		} else {
			v2s = append(v2s, h)
		}
	}
	if len(v1s) < 3 || len(v2s) < 3 {
		t.Fatalf("%d record headers in version 1.0, %d in 2.0; want 3 of each", len(v1s), len(v2s))
	}
	headers = append(append(headers, v1s[len(v1s)-3:]...), v2s...)

	dir := t.TempDir()
	var paths []string
	var written [][]byte
	for i, h := range headers {
		b, err := Encode(h)
		if err != nil {
			t.Fatalf("Encode(%+v): %v", h, err)
		}
		written = append(written, b)
		b = append(b, make([]byte, h.DataSize())...)
		p := filepath.Join(dir, fmt.Sprintf("h%03d.npy", i))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	cmd := exec.Command(py, append([]string{"-c", numpyCheck}, paths...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("NumPy could not load our files: %v\n%s", err, stderr.Bytes())
	}
	var got []struct {
		Descr   string
		Shape   []int
		Fortran bool
		Header  string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(headers) {
		t.Fatalf("NumPy reported %d files, want %d", len(got), len(headers))
	}
	for i, h := range headers {
		g := got[i]
		if d := mustDescr(t, h.DType); g.Descr != d {
			t.Errorf("file %d: NumPy read descr %s, we wrote %s", i, g.Descr, d)
		}
		if !cmp.Equal(g.Shape, h.Shape, emptyShape) || g.Fortran != h.FortranOrder {
			t.Errorf("file %d: NumPy read shape %v fortran %v, we wrote %v %v", i, g.Shape, g.Fortran, h.Shape, h.FortranOrder)
		}
		if w := hex.EncodeToString(written[i]); g.Header != w {
			t.Errorf("file %d (%s %v): NumPy writes\n%s\nwe wrote\n%s", i, g.Descr, h.Shape, g.Header, w)
		}
	}
}
