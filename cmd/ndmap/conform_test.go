package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// info lists every member of an archive, those it cannot read with the
// reason, and exits 0 when none is damaged.
func TestInfoPartialArchive(t *testing.T) {
	for _, file := range []string{"npz/partial.npz", "npz/partial_compressed.npz"} {
		out := ok(t, "info", td(file))
		for _, want := range []string{
			"ok.npy: ", "after.npy: ",
			"obj.npy: ", "not read: cannot map dtype '|O'",
			"longdouble.npy: ", "long double",
			"wide.npy: ", "more than the limit of 10000 characters",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("info %s lacks %q:\n%s", file, want, out)
			}
		}
		// With the limit raised, the wide member is read.
		out = ok(t, "info", "--max-header-len", "100000", td(file)+":wide")
		if !strings.Contains(out, "shape   (2,)") {
			t.Errorf("info --max-header-len of the wide member:\n%s", out)
		}
	}
	// A member damaged, not refused: the listing is printed and the
	// status says the archive is not sound.
	b, err := os.ReadFile(td("npz/savez.npz"))
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(b, []byte("\x93NUMPY\x01\x00")) + 6
	b[at] = 9
	bad := filepath.Join(t.TempDir(), "damaged.npz")
	if err := os.WriteFile(bad, b, 0o644); err != nil {
		t.Fatal(err)
	}
	r := ndmap(t, "info", bad)
	checkInputError(t, r, nil, "unsupported .npy version 9.0")
	if !strings.Contains(r.stdout, "not read: unsupported .npy version 9.0") || strings.Count(r.stdout, "shape") != 3 {
		t.Errorf("info of a damaged archive:\n%s", r.stdout)
	}
}

// Checksums are verified when asked, and every sequential read verifies
// them; a mapped stored member is shown without reading all of it.
func TestChecksums(t *testing.T) {
	dir := t.TempDir()
	for _, file := range []string{"npz/crc_stored.npz", "npz/crc_deflated.npz"} {
		ok(t, "info", td(file))
		for _, args := range [][]string{
			{"info", "--verify", td(file)},
			{"verify", td(file)},
			{"verify", td(file) + ":x"},
			{"convert", td(file), filepath.Join(dir, "out.npz")},
			{"convert", td(file) + ":x", filepath.Join(dir, "x.npy")},
			{"show", td(file) + ":x"},
			{"stats", td(file) + ":x"},
		} {
			if file == "npz/crc_stored.npz" && (args[0] == "show" || args[0] == "stats") {
				continue // mapped in place, not read to the end: see below
			}
			r := ndmap(t, args...)
			checkInputError(t, r, args, "checksum mismatch")
		}
		if out := ok(t, "verify", td(file)+":y"); !strings.Contains(out, "y.npy: ok, crc32 5dbb19ee") {
			t.Errorf("verify of the intact member: %s", out)
		}
		ok(t, "convert", td(file)+":y", filepath.Join(dir, "y.npy"))
		if out := ok(t, "info", "--verify", td(file)+":y"); !strings.Contains(out, "crc32   5dbb19ee, verified") {
			t.Errorf("info --verify of the intact member:\n%s", out)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left by failed conversions: %v", entries)
	}
	// The stored member is mapped in place; its checksum is not read.
	ok(t, "show", td("npz/crc_stored.npz")+":x")
	if out := ok(t, "verify", td("npz/partial.npz"), td("npy/f8_1d.npy")); strings.Count(out, ": ok") != 6 {
		t.Errorf("verify of sound files:\n%s", out)
	}
}

// convert converts the readable members of an archive, names those it
// skipped and exits 1; a member named alone converts or fails alone.
func TestConvertPartialArchive(t *testing.T) {
	dir := t.TempDir()
	for _, file := range []string{"npz/partial.npz", "npz/partial_compressed.npz"} {
		for _, out := range []string{filepath.Join(dir, "p.npz"), filepath.Join(dir, "folder") + "/"} {
			args := []string{"convert", td(file), out}
			r := ndmap(t, args...)
			checkInputError(t, r, args, "converted 2 of 5 arrays")
			for _, name := range []string{"obj.npy", "longdouble.npy", "wide.npy"} {
				if !strings.Contains(r.stderr, name) {
					t.Errorf("%q: stderr does not name %s: %s", args, name, r.stderr)
				}
			}
			var got map[string]arrayData
			if strings.HasSuffix(out, ".npz") {
				got = readNPZ(t, out)
			} else {
				got = map[string]arrayData{}
				for _, k := range []string{"ok", "after"} {
					got[k] = readNPY(t, filepath.Join(out, k+".npy"))
				}
			}
			want := readNPZ(t, td(file))
			if len(got) != 2 {
				t.Errorf("%q: %d arrays written, want 2", args, len(got))
			}
			for _, k := range []string{"ok", "after"} {
				sameArray(t, k, got[k], want[k])
			}
		}
		ok(t, "convert", td(file)+":after", filepath.Join(dir, "after.npy"))
		args := []string{"convert", td(file) + ":obj", filepath.Join(dir, "obj.npy")}
		checkInputError(t, ndmap(t, args...), args, "cannot map dtype '|O'")
	}
}

// Member names with a slash are kept in an archive and refused, by name,
// in a folder; of names written twice the last is read, as by np.load.
func TestMemberNames(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "s.npz")
	ok(t, "convert", td("npz/slash.npz"), out)
	got := readNPZ(t, out)
	want := readNPZ(t, td("npz/slash.npz"))
	if len(got) != 2 {
		t.Errorf("%d members, want 2", len(got))
	}
	sameArray(t, "dir/x", got["dir/x"], want["dir/x"])
	ok(t, "convert", td("npz/slash.npz")+":dir/x", filepath.Join(dir, "x.npy"))
	sameArray(t, "dir/x alone", readNPY(t, filepath.Join(dir, "x.npy")), want["dir/x"])
	args := []string{"convert", td("npz/slash.npz"), filepath.Join(dir, "folder") + "/"}
	checkInputError(t, ndmap(t, args...), args, `member "dir/x.npy"`)

	ok(t, "convert", td("npz/duplicate.npz"), filepath.Join(dir, "dup")+"/")
	a := readNPY(t, filepath.Join(dir, "dup", "a.npy"))
	if a.h.DType.String() != "float32" {
		t.Errorf("a.npy of duplicate.npz is %s, want the last a, float32", a.h.DType)
	}
	if out := ok(t, "show", td("npz/duplicate.npz")+":a"); !strings.Contains(out, "[-7.5]") {
		t.Errorf("show of the duplicated member:\n%s", out)
	}
}

// NumPy reads what convert writes of the new fixtures with the dtype,
// keys and values it reads from the originals.
func TestConvertConformanceAgainstNumPy(t *testing.T) {
	haveNumPy(t)
	dir := t.TempDir()
	nested := filepath.Join(dir, "nested.npz")
	ok(t, "convert", td("npy/subarray_nested.npy"), nested)
	nestedBack := filepath.Join(dir, "back") + "/"
	ok(t, "convert", nested, nestedBack)
	slash := filepath.Join(dir, "slash.npz")
	ok(t, "convert", "--compress", td("npz/slash.npz"), slash)
	surrogate := filepath.Join(dir, "u.npz")
	ok(t, "convert", td("npy/U_surrogate.npy"), surrogate)
	partial := filepath.Join(dir, "partial.npz")
	if r := ndmap(t, "convert", td("npz/partial_compressed.npz"), partial); r.code != 1 {
		t.Fatalf("convert of a partly readable archive: exit %d, want 1", r.code)
	}
	dup := filepath.Join(dir, "dup.npz")
	ok(t, "convert", td("npz/duplicate.npz"), dup)
	got := python(t, `import numpy as np, sys
d, back, orig, slash, orig_slash, u, orig_u, p, orig_p, dup, orig_dup = sys.argv[1:]
a, o = np.load(d)['subarray_nested'], np.load(orig)
b = np.load(back + '/subarray_nested.npy')
s, so = np.load(slash), np.load(orig_slash)
pz, po = np.load(p), np.load(orig_p)
print(a.dtype == o.dtype, b.dtype == o.dtype, repr(a.dtype.descr[0]), np.array_equal(a, o), np.array_equal(b, o),
      sorted(s.files), np.array_equal(s['dir/x'], so['dir/x']),
      np.load(u)['U_surrogate'].tolist() == np.load(orig_u).tolist(),
      pz.files, all(np.array_equal(pz[k], po[k]) and pz[k].dtype == po[k].dtype for k in pz.files),
      np.array_equal(np.load(dup)['a'], np.load(orig_dup)['a']))`,
		nested, nestedBack, td("npy/subarray_nested.npy"), slash, td("npz/slash.npz"), surrogate, td("npy/U_surrogate.npy"),
		partial, td("npz/partial_compressed.npz"), dup, td("npz/duplicate.npz"))
	if want := "True True ('c', ('<f8', (5,)), (2,)) True True ['dir/x', 'y'] True True ['ok', 'after'] True True\n"; got != want {
		t.Errorf("NumPy read back: %q, want %q", got, want)
	}
}
