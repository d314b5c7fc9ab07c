package main

// Windows spellings of paths on the command line: drive letters, whose colon
// must not be taken for the archive.npz:member separator, backslashes, and
// a trailing backslash naming a folder for convert. CI runs these under
// Wine, where the repository lies on drive Z:.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// absFixture returns the absolute path of a fixture, with its drive letter.
func absFixture(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(td(rel))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.VolumeName(p) == "" {
		t.Fatalf("%s has no drive letter", p)
	}
	return p
}

func TestWindowsPaths(t *testing.T) {
	frames, savez := absFixture(t, "npy/frames.npy"), absFixture(t, "npz/savez.npz")
	tests := []struct {
		name         string
		target, same string // two spellings of one target
	}{
		{"drive letter", frames + "[2]", td("npy/frames.npy") + "[2]"},
		{"drive letter, forward slashes", filepath.ToSlash(frames), td("npy/frames.npy")},
		{"relative, backslashes", `..\..\testdata\npy\frames.npy[-1, 1:3]`, td("npy/frames.npy") + "[-1, 1:3]"},
		{"drive letter and member", savez + ":x[0]", td("npz/savez.npz") + ":x[0]"},
		{"drive letter and member.npy", savez + ":y.npy", td("npz/savez.npz") + ":y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := ok(t, "show", "--json", tt.target), ok(t, "show", "--json", tt.same)
			if got != want || got == "" {
				t.Errorf("show --json %s = %q, want %q", tt.target, got, want)
			}
		})
	}
	info := ok(t, "info", savez+":x")
	if !strings.Contains(info, "(3, 4)") {
		t.Errorf("info %s:x does not give the shape (3, 4):\n%s", savez, info)
	}

	// A missing file with a drive letter is named whole in the error.
	missing := filepath.Join(filepath.Dir(frames), "no-such.npy")
	args := []string{"show", missing + "[0]"}
	checkInputError(t, ndmap(t, args...), args, missing)
}

func TestWindowsConvertIntoFolder(t *testing.T) {
	dir := t.TempDir()
	if filepath.VolumeName(dir) == "" {
		t.Fatalf("%s has no drive letter", dir)
	}
	in := absFixture(t, "npz/savez.npz")
	want := readNPZ(t, in)
	for _, out := range []string{
		filepath.Join(dir, "all") + `\`,
		filepath.Join(dir, `nested\deeper`) + `\`,
		filepath.ToSlash(filepath.Join(dir, "slashes")) + "/",
	} {
		ok(t, "convert", in, out)
		for key, w := range want {
			sameArray(t, out+key, readNPY(t, filepath.Join(out, key+".npy")), w)
		}
		if ents, _ := os.ReadDir(out); len(ents) != len(want) {
			t.Errorf("convert into %s: %d files, want %d", out, len(ents), len(want))
		}
	}
	// One member, named with the drive letter, into a .npy in the folder.
	one := filepath.Join(dir, "all", "x-again.npy")
	ok(t, "convert", in+":x", one)
	sameArray(t, one, readNPY(t, one), want["x"])
}
