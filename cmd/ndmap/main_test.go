package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// mainEnv, set to "1", makes the test binary run main: the tests that need
// a real process (its exit status, a standard output that is /dev/full or
// a closed pipe) run the test binary itself as ndmap, rather than build the
// command again.
const mainEnv = "NDMAP_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		main()
	}
	os.Exit(m.Run())
}

const testdata = "../../testdata"

func td(rel string) string { return filepath.Join(testdata, filepath.FromSlash(rel)) }

// result is what one run of the command gave.
type result struct {
	stdout, stderr string
	code           int
}

// ndmap runs the command in this process, through run as main does, so
// that a run costs no process start and the race detector sees it.
func ndmap(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return result{out.String(), errb.String(), code}
}

// ndmapCommand returns the command that runs ndmap with args in a process
// of its own. The race detector, when the tests run under it, would make
// each such process sleep a second at exit; the sleep is turned off.
func ndmapCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), mainEnv+"=1", "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	return cmd
}

// ok runs the command and fails the test unless it exits 0.
func ok(t *testing.T, args ...string) string {
	t.Helper()
	r := ndmap(t, args...)
	if r.code != 0 {
		t.Fatalf("ndmap %q: exit %d, stderr:\n%s", args, r.code, r.stderr)
	}
	return r.stdout
}

// manifest is what NumPy said about each fixture (see testdata/gen.py).
type manifest struct {
	NPY []struct {
		File     string                     `json:"file"`
		Member   string                     `json:"member"`
		Descr    string                     `json:"descr"`
		Shape    []int                      `json:"shape"`
		Fortran  bool                       `json:"fortran_order"`
		Version  []int                      `json:"version"`
		Offset   int64                      `json:"offset"`
		Method   int                        `json:"method"`
		Raw      bool                       `json:"raw"`
		Values   map[string]json.RawMessage `json:"values"`
		Forced   bool                       `json:"forced_version"`
		NumPyHdr bool                       `json:"numpy_header"`
	} `json:"npy"`
	Raw []struct {
		File    string                     `json:"file"`
		Kind    string                     `json:"kind"`
		Offset  int64                      `json:"offset"`
		Descr   string                     `json:"descr"`
		Request []int                      `json:"request"`
		Header  string                     `json:"header"`
		Fields  []string                   `json:"fields"`
		Shape   []int                      `json:"shape"`
		Values  map[string]json.RawMessage `json:"values"`
	} `json:"raw"`
	Bad []struct {
		File   string `json:"file"`
		Reader string `json:"reader"`
		Error  string `json:"error"`
	} `json:"bad"`
}

func readManifest(t *testing.T) *manifest {
	t.Helper()
	b, err := os.ReadFile(td("manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

// fixtureTarget returns how the command names a manifest entry.
func fixtureTarget(file, member string) string {
	if member == "" {
		return td(file)
	}
	return td(file) + ":" + member
}

var usageTests = []struct {
	name string
	args []string
}{
	{"no command", nil},
	{"unknown command", []string{"frobnicate"}},
	{"unknown flag", []string{"show", "--nope", td("npy/f8_1d.npy")}},
	{"show without target", []string{"show"}},
	{"show with two targets", []string{"show", td("npy/f8_1d.npy"), td("npy/b1.npy")}},
	{"info without file", []string{"info"}},
	{"stats without target", []string{"stats", "--axis", "1"}},
	{"convert with one argument", []string{"convert", td("npy/f8_1d.npy")}},
	{"convert to an unknown kind", []string{"convert", td("npy/f8_1d.npy"), "out.txt"}},
	{"bad index syntax", []string{"show", td("npy/frames.npy") + "[1"}},
	{"bad axis value", []string{"stats", "--axis", "x", td("npy/frames.npy")}},
	{"raw shape with two -1", []string{"info", "--dtype", "<f4", "--shape", "-1,-1", td("raw/frames.f32")}},
	{"raw shape without dtype", []string{"info", "--shape", "5,4,3", td("raw/frames.f32")}},
	{"bad raw dtype", []string{"info", "--dtype", "<q9", td("raw/frames.f32")}},
	{"header record of strings", []string{"info", "--header-record", "rows:S4", "--dtype", "<f8", td("raw/grid.bin")}},
	{"negative offset", []string{"info", "--dtype", "<f8", "--offset", "-8", td("raw/grid.bin")}},
}

func TestUsage(t *testing.T) {
	for _, tt := range usageTests {
		t.Run(tt.name, func(t *testing.T) {
			r := ndmap(t, tt.args...)
			if r.code != 2 {
				t.Errorf("ndmap %q: exit %d, want 2; stderr:\n%s", tt.args, r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, "usage:") {
				t.Errorf("ndmap %q: stderr has no usage text:\n%s", tt.args, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("ndmap %q: wrote to stdout:\n%s", tt.args, r.stdout)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"show", "-h"}, {"stats", "--help"}} {
		r := ndmap(t, args...)
		if r.code != 0 || !strings.Contains(r.stdout, "usage") {
			t.Errorf("ndmap %q: exit %d, stdout %q", args, r.code, r.stdout)
		}
	}
}

// checkInputError asserts the exit-1 contract: one line on stderr that
// names the file, nothing that looks like a Go panic.
func checkInputError(t *testing.T, r result, args []string, name string) {
	t.Helper()
	if r.code != 1 {
		t.Errorf("ndmap %q: exit %d, want 1; stderr:\n%s", args, r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(lines) != 1 || r.stderr == "" {
		t.Errorf("ndmap %q: stderr has %d lines, want 1:\n%s", args, len(lines), r.stderr)
	}
	if !strings.Contains(r.stderr, name) {
		t.Errorf("ndmap %q: stderr does not name %s:\n%s", args, name, r.stderr)
	}
	for _, s := range []string{"panic", "goroutine"} {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("ndmap %q: output mentions %q:\n%s%s", args, s, r.stdout, r.stderr)
		}
	}
}

func TestBadFiles(t *testing.T) {
	files, err := filepath.Glob(td("bad/*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad fixtures: %v", err)
	}
	m := readManifest(t)
	if len(files) != len(m.Bad) {
		t.Errorf("%d files in bad/, manifest lists %d", len(files), len(m.Bad))
	}
	out := filepath.Join(t.TempDir(), "out.npy")
	for _, f := range files {
		for _, args := range [][]string{
			{"info", f},
			{"show", f},
			{"show", "--json", f},
			{"stats", f},
			{"convert", f, out},
		} {
			t.Run(filepath.Base(f)+"/"+args[0], func(t *testing.T) {
				checkInputError(t, ndmap(t, args...), args, f)
			})
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("convert of a bad file left %s", out)
	}
}

var inputErrorTests = []struct {
	name string
	args []string
	file string // what the message must name
}{
	{"missing file", []string{"show", "no-such-file.npy"}, "no-such-file.npy"},
	{"missing member", []string{"show", td("npz/savez.npz") + ":zz"}, "savez.npz"},
	{"member that is not an array", []string{"show", td("npz/descriptors.npz") + ":notes.txt"}, "descriptors.npz"},
	{"index out of range", []string{"show", td("npy/frames.npy") + "[5]"}, "frames.npy"},
	{"negative index out of range", []string{"show", td("npy/frames.npy") + "[0, -5]"}, "frames.npy"},
	{"too many indices", []string{"show", td("npy/frames.npy") + "[1, 2, 3, 4]"}, "frames.npy"},
	{"field of a non-record", []string{"show", td("npy/frames.npy") + "['x']"}, "frames.npy"},
	{"missing field", []string{"show", td("npy/db.npy") + "['nope']"}, "db.npy"},
	{"index of a multi-array archive", []string{"show", td("npz/savez.npz") + "[0]"}, "savez.npz"},
	{"json of a multi-array archive", []string{"show", "--json", td("npz/savez.npz")}, "savez.npz"},
	{"stats of strings", []string{"stats", td("npy/S5.npy")}, "S5.npy"},
	{"stats of records", []string{"stats", td("npy/db.npy")}, "db.npy"},
	{"stats axis out of range", []string{"stats", "--axis", "3", td("npy/frames.npy")}, "frames.npy"},
	{"raw shape not fitting", []string{"info", "--dtype", "<f8", "--shape", "7,-1", td("raw/frames.f32")}, "frames.f32"},
	{"raw shape too big", []string{"show", "--dtype", "<f8", "--shape", "100", td("raw/frames.f32")}, "frames.f32"},
	{"convert several arrays to one .npy", []string{"convert", td("npz/savez.npz"), "x.npy"}, "savez.npz"},
	{"info of a folder", []string{"info", testdata}, "testdata"},
	{"show of a folder", []string{"show", testdata}, "testdata"},
	{"stats of an empty archive", []string{"stats", td("npz/empty.npz")}, "empty.npz"},
}

func TestInputErrors(t *testing.T) {
	for _, tt := range inputErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			checkInputError(t, ndmap(t, tt.args...), tt.args, tt.file)
		})
	}
}
