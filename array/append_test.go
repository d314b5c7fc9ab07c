package array_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// Appending keeps the header's length and writes what NumPy writes for the
// new shape, byte for byte.
func TestAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.npy")
	if err := array.Save(path, array.FromSlice([]int32{1, 2, 3}, 1, 3)); err != nil {
		t.Fatal(err)
	}
	a, err := array.OpenAppender(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []int32{1, 2, 3}
	for i := range 50 {
		rows := make([]int32, 3*(i%4))
		for k := range rows {
			rows[k] = int32(len(want) + k)
		}
		a.SetSync(i%2 == 0)
		if err := array.Append(a, rows); err != nil {
			t.Fatal(err)
		}
		want = append(want, rows...)
		if a.Len() != len(want)/3 {
			t.Fatalf("Len = %d, want %d", a.Len(), len(want)/3)
		}
	}
	if h := a.Header(); !cmp.Equal(h.Shape, []int{len(want) / 3, 3}) {
		t.Errorf("Header().Shape = %v", h.Shape)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	hb, _ := fileHeader(t, path)
	enc, _ := header.Encode(header.Header{DType: layout.Int32, Shape: []int{len(want) / 3, 3}})
	if !bytes.Equal(hb, enc) {
		t.Errorf("header after appending\n%q\nwant\n%q", hb, enc)
	}
	got, _, err := array.Load[int32](path)
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Load = %v, %v; want %v", got, err, want)
	}
	if err := array.Append(a, []int32{1, 2, 3}); err == nil {
		t.Error("Append after Close succeeded")
	}
}

// Values are written in the file's byte order; records are appended as bytes.
func TestAppendBigEndianAndRecords(t *testing.T) {
	dir := t.TempDir()
	be := filepath.Join(dir, "be.npy")
	f, err := array.CreateFile(be, header.Header{DType: mustParse(t, "'>c8'"), Shape: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := array.As[complex64](f.Items())
	v.Set(1+2i, 0)
	f.Close()
	a, err := array.OpenAppender(be)
	if err != nil {
		t.Fatal(err)
	}
	big := make([]complex64, 300000) // more than one piece of swapped bytes
	for i := range big {
		big[i] = complex(float32(i), -float32(i))
	}
	if err := array.Append(a, big); err != nil {
		t.Fatal(err)
	}
	if err := array.Append(a, []float64{1}); !errors.Is(err, array.ErrType) {
		t.Errorf("Append of float64 to complex64: %v, want ErrType", err)
	}
	a.Close()
	got, _, err := array.Load[complex64](be)
	if err != nil || len(got) != 300001 || got[0] != 1+2i || got[300000] != complex(299999, -299999) {
		t.Errorf("Load: %d values, %v", len(got), err)
	}

	rp := filepath.Join(dir, "rec.npy")
	rf, err := array.CreateFile(rp, header.Header{DType: mustParse(t, "[('t', '<i8'), ('c', '|S2')]"), Shape: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	rf.Close()
	ra, err := array.OpenAppender(rp)
	if err != nil {
		t.Fatal(err)
	}
	if err := ra.AppendBytes([]byte("\x01\x00\x00\x00\x00\x00\x00\x00ab\x02\x00\x00\x00\x00\x00\x00\x00cd")); err != nil {
		t.Fatal(err)
	}
	ra.Close()
	g, err := array.OpenFile(rp, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	c, _ := g.Items().Field("c")
	if g.Items().Len() != 2 || c.Text(1) != "cd" {
		t.Errorf("records: %d, c[1] = %q", g.Items().Len(), c.Text(1))
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("AppendBytes of part of a row did not panic")
			}
		}()
		ra, _ := array.OpenAppender(rp)
		defer ra.Close()
		ra.AppendBytes(make([]byte, 11))
	}()
}

// oldHeader returns a .npy file of int64 shape (n,) whose header has only
// spare spaces after the dict, as writers before NumPy 1.24 left.
func oldHeader(n, spare int) []byte {
	text := fmt.Sprintf("{'descr': '<i8', 'fortran_order': False, 'shape': (%d,), }", n)
	text += strings.Repeat(" ", spare) + "\n"
	b := append([]byte("\x93NUMPY\x01\x00"), byte(len(text)), byte(len(text)>>8))
	b = append(b, text...)
	return append(b, make([]byte, 8*n)...)
}

func TestAppendHeaderFull(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full.npy")
	os.WriteFile(full, oldHeader(5, 0), 0o644)
	if _, err := array.OpenAppender(full); !errors.Is(err, array.ErrHeaderFull) {
		t.Errorf("OpenAppender of a header with no room: %v, want ErrHeaderFull", err)
	}

	tight := filepath.Join(dir, "tight.npy")
	os.WriteFile(tight, oldHeader(5, 3), 0o644)
	a, err := array.OpenAppender(tight)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := array.Append(a, make([]int64, 995)); err != nil { // (1000,) takes the 3 spaces
		t.Fatal(err)
	}
	before, _ := os.ReadFile(tight)
	if err := array.Append(a, make([]int64, 9000)); !errors.Is(err, array.ErrHeaderFull) {
		t.Errorf("Append to (10000,): %v, want ErrHeaderFull", err)
	}
	if after, _ := os.ReadFile(tight); !bytes.Equal(before, after) {
		t.Error("a refused append changed the file")
	}
	if got, shape, err := array.Load[int64](tight); err != nil || len(got) != 1000 || shape[0] != 1000 {
		t.Errorf("Load after a refused append: %d values, %v", len(got), err)
	}
}

func TestAppendRefuses(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct {
		dt      layout.DType
		shape   []int
		fortran bool
	}{
		"zero-d":     {layout.Int8, []int{}, false},
		"fortran":    {layout.Int8, []int{2, 3}, true},
		"empty rows": {layout.Int8, []int{2, 0}, false},
	} {
		p := filepath.Join(dir, name+".npy")
		f, err := array.CreateFile(p, header.Header{DType: c.dt, Shape: c.shape, FortranOrder: c.fortran})
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if _, err := array.OpenAppender(p); err == nil {
			t.Errorf("%s: OpenAppender succeeded", name)
		}
	}
	// A 1-d Fortran-order file appends as any 1-d file.
	p := filepath.Join(dir, "f1.npy")
	f, _ := array.CreateFile(p, header.Header{DType: layout.Int8, Shape: []int{2}, FortranOrder: true})
	f.Close()
	a, err := array.OpenAppender(p)
	if err != nil {
		t.Fatalf("1-d Fortran: %v", err)
	}
	a.Close()
	if _, err := array.OpenAppender(filepath.Join(dir, "missing.npy")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// The child of TestAppendKilled: it appends rows to the file named in
// NDMAP_APPEND_CHILD until it is killed, and after each append returns
// writes the number of rows to file descriptor 3.
func TestAppendChild(t *testing.T) {
	path := os.Getenv("NDMAP_APPEND_CHILD")
	if path == "" {
		t.Skip("run by TestAppendKilled")
	}
	ack := os.NewFile(3, "ack")
	a, err := array.OpenAppender(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	a.SetSync(os.Getenv("NDMAP_APPEND_SYNC") == "1")
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	for a.Len() < 1<<24 {
		n := a.Len()
		k := 1 + r.IntN(20)
		rows := make([]int64, 0, 3*k)
		for i := n; i < n+k; i++ {
			rows = append(rows, killRow(i)...)
		}
		if err := array.Append(a, rows); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Fprintf(ack, "%d\n", a.Len())
	}
	os.Exit(0)
}

func killRow(i int) []int64 { return []int64{int64(i), int64(i) * 7, -int64(i) - 1} }

// A process appending in a loop, killed at random moments, leaves a file
// that this package and NumPy load, with every row whose append returned
// and nothing but the rows appended, in order.
func TestAppendKilled(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("kills a child process: Unix only")
	}
	kills := 30
	if testing.Short() {
		kills = 8
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "k.npy")
	if err := array.Save(path, array.FromSlice([]int64{}, 0, 3)); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	var copies []string
	var copyRows []int
	deadline := time.Now().Add(8 * time.Second)
	for k := 0; k < kills && time.Now().Before(deadline); k++ {
		if st, err := os.Stat(path); err == nil && st.Size() > 2<<20 {
			// Start again, to keep the copies small.
			if err := array.Save(path, array.FromSlice([]int64{}, 0, 3)); err != nil {
				t.Fatal(err)
			}
		}
		acked := runAndKill(t, path, k%2 == 0, time.Duration(r.IntN(20))*time.Millisecond)

		got, shape, err := array.Load[int64](path)
		if err != nil {
			t.Fatalf("kill %d: Load: %v", k, err)
		}
		n := shape[0]
		if n < acked {
			t.Fatalf("kill %d: %d rows in the file, but %d appends returned", k, n, acked)
		}
		for i := range n {
			if !slices.Equal(got[3*i:3*i+3], killRow(i)) {
				t.Fatalf("kill %d: row %d is %v, want %v", k, i, got[3*i:3*i+3], killRow(i))
			}
		}
		st, _ := os.Stat(path)
		hb, _ := fileHeader(t, path)
		if st.Size() < int64(len(hb))+int64(24*n) {
			t.Fatalf("kill %d: file is %d bytes, shorter than its data", k, st.Size())
		}
		// Keep a copy for NumPy, checked at the end in one run.
		c := filepath.Join(dir, fmt.Sprintf("copy%02d.npy", k))
		b, _ := os.ReadFile(path)
		os.WriteFile(c, b, 0o644)
		copies = append(copies, c)
		copyRows = append(copyRows, n)
	}
	if len(copies) < min(kills, 5) {
		t.Fatalf("only %d kills in the time allowed", len(copies))
	}
	t.Logf("%d kills, last file %d rows", len(copies), copyRows[len(copyRows)-1])

	if testing.Short() {
		return
	}
	py := requireNumPy(t)
	const check = `
import json, sys
import numpy as np
out = []
for p in sys.argv[1:]:
    a = np.load(p)
    n = a.shape[0]
    i = np.arange(n, dtype=np.int64)
    ok = a.shape == (n, 3) and (a[:, 0] == i).all() and (a[:, 1] == 7 * i).all() and (a[:, 2] == -i - 1).all()
    out.append([n, bool(ok)])
json.dump(out, sys.stdout)
`
	cmd := exec.Command(py, append([]string{"-c", check}, copies...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("NumPy could not load a killed file: %v\n%s", err, stderr.Bytes())
	}
	var got [][2]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	for i, g := range got {
		if g[0] != float64(copyRows[i]) || g[1] != true {
			t.Errorf("%s: NumPy read %v rows (ok=%v), we read %d", copies[i], g[0], g[1], copyRows[i])
		}
	}
}

// runAndKill starts the appending child, kills it after delay (counted
// from its first acknowledged append, so that every kill lands among
// appends) and returns the row count of the last append that returned.
func runAndKill(t *testing.T, path string, sync bool, delay time.Duration) int {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestAppendChild$", "-test.count=1")
	s := "0"
	if sync {
		s = "1"
	}
	cmd.Env = append(os.Environ(), "NDMAP_APPEND_CHILD="+path, "NDMAP_APPEND_SYNC="+s)
	cmd.ExtraFiles = []*os.File{pw}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()

	var acked atomic.Int64
	first := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		once := false
		for sc.Scan() {
			n, err := strconv.Atoi(sc.Text())
			if err != nil {
				continue
			}
			acked.Store(int64(n))
			if !once {
				once = true
				close(first)
			}
		}
		if !once {
			close(first)
		}
	}()
	select {
	case <-first:
	case <-time.After(5 * time.Second):
	}
	time.Sleep(delay)
	cmd.Process.Kill()
	err = cmd.Wait()
	<-done
	if ee := (*exec.ExitError)(nil); !errors.As(err, &ee) || ee.ExitCode() != -1 {
		t.Fatalf("child ended with %v before it was killed:\n%s", err, stderr.Bytes())
	}
	return int(acked.Load())
}

// With group commit the header counts rows only at each commit: every n
// appends, once the time given has passed, at Commit and at Close.
func TestAppendGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.npy")
	if err := array.Save(path, array.FromSlice([]int64{}, 0, 2)); err != nil {
		t.Fatal(err)
	}
	counted := func() int {
		_, h := fileHeader(t, path)
		return h.Shape[0]
	}
	a, err := array.OpenAppender(path)
	if err != nil {
		t.Fatal(err)
	}
	a.SetGroupCommit(3, 0)
	for i, want := range []int{0, 0, 3, 3, 3, 6} {
		if err := array.Append(a, []int64{int64(i), 0}); err != nil {
			t.Fatal(err)
		}
		if got := counted(); got != want || a.Len() != i+1 {
			t.Errorf("after append %d the header counts %d rows (Len %d), want %d", i+1, got, a.Len(), want)
		}
	}
	array.Append(a, []int64{6, 0})
	if err := a.Commit(); err != nil || counted() != 7 {
		t.Errorf("Commit = %v, header counts %d rows, want 7", err, counted())
	}
	a.SetGroupCommit(0, 30*time.Millisecond)
	array.Append(a, []int64{7, 0})
	if counted() != 7 {
		t.Errorf("an append before the period committed: %d rows counted", counted())
	}
	time.Sleep(40 * time.Millisecond)
	array.Append(a, []int64{8, 0})
	if counted() != 9 {
		t.Errorf("the first append after the period did not commit: %d rows counted, want 9", counted())
	}
	array.Append(a, []int64{9, 0})
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	got, shape, err := array.Load[int64](path)
	if err != nil || shape[0] != 10 || got[18] != 9 {
		t.Errorf("after Close: %v rows, %v, last %v", shape, err, got)
	}
	if err := a.Commit(); err == nil {
		t.Error("Commit after Close succeeded")
	}
	defer func() {
		if recover() == nil {
			t.Error("SetGroupCommit(-1, 0) did not panic")
		}
	}()
	a.SetGroupCommit(-1, 0)
}
