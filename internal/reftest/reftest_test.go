package reftest

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/layout"
)

// Without a Python that can import the module, a test skips, and fails
// when CI=true. The helper runs in a child test process so that its
// failure is observed, not suffered.
func TestRequirePythonMissing(t *testing.T) {
	if os.Getenv("REFTEST_CHILD") == "1" {
		RequirePython(t, "no_such_module_here")
		return
	}
	for _, tt := range []struct {
		ci   string
		fail bool
	}{{"", false}, {"true", true}} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRequirePythonMissing$", "-test.v")
		cmd.Env = append(os.Environ(), "REFTEST_CHILD=1", "CI="+tt.ci)
		out, err := cmd.CombinedOutput()
		if failed := err != nil; failed != tt.fail {
			t.Errorf("CI=%q: failed %v, want %v\n%s", tt.ci, failed, tt.fail, out)
		}
	}
}

var floatsTests = []struct {
	in   string
	want []float64
}{
	{`[1, -2, 9007199254740993]`, []float64{1, -2, 9007199254740992}},
	{`["1e3", ["0.5", "-0.25"]]`, []float64{1000, 0.5, -0.25}},
}

// Floats reads every form the manifests write numbers in.
func TestFloats(t *testing.T) {
	for _, tt := range floatsTests {
		var raw []json.RawMessage
		if err := json.Unmarshal([]byte(tt.in), &raw); err != nil {
			t.Fatal(err)
		}
		if got := Floats(t, raw); !cmp.Equal(got, tt.want) {
			t.Errorf("Floats(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// A complex item decodes to its two parts, and formats as .item() does.
func TestDecodeItemsAndNumbers(t *testing.T) {
	c64 := layout.DType{Kind: layout.Complex, Order: layout.BigEndian, Size: 8}
	b := []byte{0x3f, 0x80, 0, 0, 0xc0, 0, 0, 0}
	if got, want := DecodeItems(t, c64, b), []float64{1, -2}; !cmp.Equal(got, want) {
		t.Errorf("DecodeItems = %v, want %v", got, want)
	}
	if got, want := Numbers(c64, b, 1), []string{"[1,-2]"}; !cmp.Equal(got, want) {
		t.Errorf("Numbers = %v, want %v", got, want)
	}
	raw := []json.RawMessage{json.RawMessage(`[1.0, -2]`), json.RawMessage(`18446744073709551615`)}
	if got, want := JSONNumbers(t, raw), []string{"[1,-2]", "18446744073709551615"}; !cmp.Equal(got, want) {
		t.Errorf("JSONNumbers = %v, want %v", got, want)
	}
}
