package array_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// makers are the functions that make a file at a path, each writing the
// array 0, 1, ..., n-1 of int64 as a .npy file (or, for the raw ones, the
// bytes that hold it), each checked by loading it back.
var makers = []struct {
	name    string
	raw     bool
	inPlace bool // a Create: the file takes its name before it is filled
	make    func(path string, n int) error
}{
	{"Save", false, false, func(p string, n int) error { return array.Save(p, array.FromSlice(seq(n))) }},
	{"SaveRaw", true, false, func(p string, n int) error { return array.SaveRaw(p, array.FromSlice(seq(n))) }},
	{"SaveFunc", false, false, func(p string, n int) error {
		return array.SaveFunc(p, -1, func(w io.Writer) error {
			_, err := array.Write(w, array.FromSlice(seq(n)))
			return err
		})
	}},
	{"Create", false, true, func(p string, n int) error { return createSeq(array.Create[int64](p, []int{n})) }},
	{"CreateFile", false, true, func(p string, n int) error {
		f, err := array.CreateFile(p, header.Header{DType: layout.Int64, Shape: []int{n}})
		if err != nil {
			return err
		}
		a, err := array.As[int64](f.Items())
		if err != nil {
			return err
		}
		return createSeq(&array.Array[int64]{View: a, File: f}, nil)
	}},
	{"CreateRaw", true, true, func(p string, n int) error {
		return createSeq(array.CreateRaw[int64](p, header.Raw{}, []int{n}))
	}},
}

func seq(n int) []int64 {
	s := make([]int64, n)
	for i := range s {
		s[i] = int64(i)
	}
	return s
}

// dirNames returns the names in dir, to see that no temporary file is left.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func createSeq(a *array.Array[int64], err error) error {
	if err != nil {
		return err
	}
	for i := range a.Len() {
		a.Set(int64(i), i)
	}
	return a.Close()
}

// loadSeq loads what a maker wrote at path and returns its length, or an
// error if it is not 0, 1, ..., n-1.
func loadSeq(path string, raw bool) (int, error) {
	var got []int64
	var err error
	if raw {
		var a *array.Array[int64]
		a, err = array.OpenRaw[int64](path, 0, header.Raw{})
		if err == nil {
			got = slices.Collect(a.Values())
			a.Close()
		}
	} else {
		got, _, err = array.Load[int64](path)
	}
	if err != nil {
		return 0, err
	}
	if !slices.Equal(got, seq(len(got))) {
		return 0, fmt.Errorf("%s holds %d values that are not 0, 1, 2, ...", path, len(got))
	}
	return len(got), nil
}

// loadPartialSeq is loadSeq for a file made by Create and filled in order
// by a process that may have been killed: its values are 0, 1, 2, ... up to
// some point and zeros after it.
func loadPartialSeq(path string) (int, error) {
	got, _, err := array.Load[int64](path)
	if err != nil {
		return 0, err
	}
	k := 0
	for k < len(got) && got[k] == int64(k) {
		k++
	}
	for _, v := range got[k:] {
		if v != 0 {
			return 0, fmt.Errorf("%s holds %d values that are not 0, 1, 2, ... then zeros", path, len(got))
		}
	}
	return len(got), nil
}

// NDMAP_MAKE_CHILD names a maker and a directory: the child makes files
// there in a loop until it is killed, alternating between a new name and
// one it replaces, and reports each made file's length on descriptor 3.
func TestMakeChild(t *testing.T) {
	spec := os.Getenv("NDMAP_MAKE_CHILD")
	if spec == "" {
		t.Skip("run by TestMakersKilled")
	}
	name, dir, _ := strings.Cut(spec, ":")
	ack := os.NewFile(3, "ack")
	for _, m := range makers {
		if m.name != name {
			continue
		}
		r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
		for i := 0; ; i++ {
			n := 1 + r.IntN(1<<18)
			if i%2 == 0 {
				n = 1 + r.IntN(64) // creating and naming the file, more than filling it
			}
			if err := m.make(filepath.Join(dir, "t.npy"), n); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			fmt.Fprintf(ack, "%d\n", n)
		}
	}
	os.Exit(3)
}

// A process making a file in a loop, killed at random moments, leaves at
// the path either nothing or a complete file of one of its lengths — never
// part of one — and, on Linux, where files are made unnamed, nothing else
// in the directory but the rare file linked under a temporary name in the
// instant before it replaces the old one.
func TestMakersKilled(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("kills a child process: Unix only")
	}
	kills := 12
	if testing.Short() {
		kills = 4
	}
	r := rand.New(rand.NewPCG(5, 14))
	for _, m := range makers {
		if m.raw {
			continue // a raw file's length is its only header: any prefix of whole items loads
		}
		t.Run(m.name, func(t *testing.T) {
			dir := t.TempDir()
			leftovers := 0
			for k := range kills {
				acked := runMakerAndKill(t, m.name, dir, time.Duration(r.IntN(30))*time.Millisecond)
				path := filepath.Join(dir, "t.npy")
				load := func(p string) (int, error) { return loadSeq(p, false) }
				if m.inPlace {
					load = loadPartialSeq
				}
				if _, err := os.Stat(path); err == nil {
					if _, err := load(path); err != nil {
						t.Fatalf("kill %d (after %d files made): %v", k, acked, err)
					}
				} else if acked > 0 {
					t.Fatalf("kill %d: %d files were made, none is left: %v", k, acked, err)
				}
				for _, e := range dirNames(t, dir) {
					if e == "t.npy" {
						continue
					}
					p := filepath.Join(dir, e)
					if _, err := load(p); err != nil {
						t.Errorf("kill %d left %s, which is not a complete file: %v", k, e, err)
					}
					if !strings.HasPrefix(e, ".t.npy.tmp") {
						t.Errorf("kill %d left %s", k, e)
					}
					leftovers++
					os.Remove(p)
				}
			}
			t.Logf("%d kills, %d left a file under a temporary name", kills, leftovers)
			if runtime.GOOS == "linux" && leftovers > kills/4 {
				t.Errorf("%d of %d kills left a temporary file; unnamed files should leave almost none", leftovers, kills)
			}
		})
	}
}

// runMakerAndKill starts the making child, kills it delay after its first
// made file and returns how many files it made.
func runMakerAndKill(t *testing.T, name, dir string, delay time.Duration) int {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMakeChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "NDMAP_MAKE_CHILD="+name+":"+dir)
	cmd.ExtraFiles = []*os.File{pw}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	made := make(chan int, 1<<16)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if n, err := strconv.Atoi(sc.Text()); err == nil {
				made <- n
			}
		}
		close(made)
	}()
	count := 0
	select {
	case _, ok := <-made:
		if ok {
			count++
		}
	case <-time.After(10 * time.Second):
	}
	time.Sleep(delay)
	cmd.Process.Kill()
	err = cmd.Wait()
	for range made {
		count++
	}
	if ee := (*exec.ExitError)(nil); !errors.As(err, &ee) || ee.ExitCode() != -1 {
		t.Fatalf("child ended with %v before it was killed:\n%s", err, stderr.String())
	}
	return count
}
