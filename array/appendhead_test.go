package array

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// errKilled stands for the process killed during a write.
var errKilled = errors.New("killed")

// killedWriter models a process killed after budget bytes of its writes:
// the system applies a write a page at a time, and a kill stops it only
// between pages, so the state is that of the writes before, and of the
// whole pages of the write in progress, that fit in the budget.
type killedWriter struct {
	buf    []byte
	budget int
}

func (k *killedWriter) WriteAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		end := min(len(p), n+int((off+int64(n))/headerPage+1)*int(headerPage)-int(off)-n)
		if k.budget < end-n {
			return n, errKilled
		}
		copy(k.buf[off+int64(n):], p[n:end])
		k.budget -= end - n
		n = end
	}
	return n, nil
}

// recordHeaders returns headers of record dtypes whose first axis, with room
// for the digits of the counts tried, lies near a page boundary: before it,
// across it and after it, at every offset from 24 bytes before to 8 after.
func recordHeaders(t *testing.T) []header.Header {
	t.Helper()
	var out []header.Header
	seen := map[int]bool{}
	for fields := 150; fields < 300 && len(seen) < 33; fields++ {
		for extra := 1; extra < 80; extra++ {
			var fs []layout.Field
			for i := range fields {
				fs = append(fs, layout.Field{Name: fmt.Sprintf("f%03d", i), Offset: i, Type: layout.Uint8})
			}
			fs = append(fs, layout.Field{Name: strings.Repeat("x", extra), Offset: fields, Type: layout.Uint8})
			dt, err := layout.StructOf(fs, fields+1)
			if err != nil {
				t.Fatal(err)
			}
			h := header.Header{DType: dt, Shape: []int{999, 2}}
			b, err := header.Encode(h)
			if err != nil {
				t.Fatal(err)
			}
			s := bytes.LastIndex(b, []byte("'shape': (")) + len("'shape': (")
			rel := int(headerPage) - s // digits of the number before the boundary
			if rel >= -8 && rel <= 24 && !seen[rel] && len(b) > int(headerPage) {
				seen[rel] = true
				out = append(out, h)
			}
		}
	}
	if len(seen) < 30 {
		t.Fatalf("only %d positions of the shape near a page boundary", len(seen))
	}
	return out
}

// A header rewritten by an Append that is killed at any byte leaves a
// header that loads and counts between the old and the new number of rows,
// whether the header is short or spans pages with its shape across a page
// boundary; the one exception, a number across the boundary that carries
// over it with too few rows, still loads and never counts more rows than
// were written.
func TestAppendHeaderTornWrites(t *testing.T) {
	short := header.Header{DType: layout.Int64, Shape: []int{0, 3}}
	headers := append([]header.Header{short, {DType: layout.Float32, Shape: []int{0}}}, recordHeaders(t)...)
	steps := []int{1, 2, 10, 1001, 123456}
	starts := []int{0, 8, 9, 99, 100, 999, 1999, 12345, 99999, 1999999}
	if testing.Short() {
		starts = []int{0, 9, 999, 1999}
	}
	checked, exceptions, bad := 0, 0, 0
	for _, h := range headers {
		for _, n0 := range starts {
			h := h
			h.Shape = append([]int{n0}, h.Shape[1:]...)
			b, err := header.Encode(h)
			if err != nil {
				t.Fatal(err)
			}
			h.DataOffset = int64(len(b))
			rowSize, _ := layout.ByteSize(h.Shape[1:], h.DType.Size)
			for _, step := range steps {
				n1 := n0 + step
				numpy, err := header.EncodeSize(withRows(h, n1), len(b))
				if err != nil {
					continue // no room: Append says so before writing
				}
				// The bytes the whole rewrite writes, to try every kill in.
				a := &Appender{path: "t.npy", hdr: withRows(h, n1), counted: n0, head: append([]byte{}, b...), rowSize: rowSize}
				plan := a.headerPlan(numpy, n1)
				total := 0
				for _, w := range plan.writes {
					total += len(w.b)
				}
				states := map[string]struct {
					rows int
					ok   bool
				}{}
				for budget := 0; budget <= total; budget++ {
					kw := &killedWriter{buf: append([]byte{}, b...), budget: budget}
					a := &Appender{path: "t.npy", hdr: withRows(h, n1), counted: n0, head: append([]byte{}, b...), rowSize: rowSize, writeAt: kw.WriteAt}
					err := a.applyPlan(plan, n1)
					if budget == total && err != nil {
						t.Fatalf("rewrite with every byte allowed: %v", err)
					}
					key := string(kw.buf)
					r, seen := states[key]
					if !seen {
						r.rows, r.ok = a.readsAs(kw.buf)
						states[key] = r
					}
					rows, ok := r.rows, r.ok
					checked++
					switch {
					case !ok || rows > n1:
						bad++
						if bad > 20 {
							continue
						}
						t.Errorf("%d-byte header, %d to %d rows, killed after %d of %d bytes: reads as %d rows (ok %v):\n%q",
							len(b), n0, n1, budget, total, rows, ok, shapeText(kw.buf))
					case rows < n0:
						if !acrossCarry(b, n0, n1) {
							t.Fatalf("%d-byte header, %d to %d rows, killed after %d of %d bytes: counts %d rows, fewer than before:\n%q",
								len(b), n0, n1, budget, total, rows, shapeText(kw.buf))
						}
						exceptions++
					}
					if budget == total && (rows != n1 || !bytes.Equal(kw.buf, a.head)) {
						t.Fatalf("%d to %d rows: the complete rewrite reads as %d rows", n0, n1, rows)
					}
				}
			}
		}
	}
	t.Logf("%d torn headers checked, %d of them of a number carrying across a page boundary that count fewer rows", checked, exceptions)
}

func withRows(h header.Header, n int) header.Header {
	h.Shape = append([]int{n}, h.Shape[1:]...)
	return h
}

// acrossCarry reports whether the first axis's number in the header b
// lies across a page boundary, where a step that changes its digits on both
// sides has no order of writes that keeps the count in range.
func acrossCarry(b []byte, n0, n1 int) bool {
	s := bytes.LastIndex(b, []byte("'shape': (")) + len("'shape': (")
	bound := (int64(s)/headerPage + 1) * headerPage
	return int64(s+len(fmt.Sprint(n0))) > bound
}

func shapeText(b []byte) string {
	i := bytes.LastIndex(b, []byte("'shape'"))
	if i < 0 {
		return string(b)
	}
	return strings.TrimRight(string(b[i:]), " \n")
}
