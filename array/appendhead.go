package array

import (
	"bytes"
	"io"
	"os"
	"slices"
	"strconv"

	"github.com/ndmap/ndmap/header"
)

// headerPage is the unit in which the system applies a write to a file:
// Linux copies a write into the page cache a page at a time and lets a
// fatal signal stop it only between pages, so a write within one page is
// applied whole or not at all by a process that is killed.
var headerPage = int64(os.Getpagesize())

// rewriteHeader makes the file's header count n rows, as the package doc
// of Appender says: only the bytes that change are written, in one write
// when they lie in one page, and otherwise in page-sized writes in an order
// that keeps the header loadable, counting rows between the old number and
// n, at every moment between them.
func (a *Appender) rewriteHeader(n int) error {
	numpy, err := a.headerBytes(n)
	if err != nil {
		return err
	}
	return a.applyPlan(a.headerPlan(numpy, n), n)
}

// applyPlan makes the writes of plan, which take the header to n rows.
func (a *Appender) applyPlan(plan headerPlan, n int) error {
	for _, w := range plan.writes {
		k, err := a.writeAt(w.b, w.off)
		if err == nil && k != len(w.b) {
			err = io.ErrShortWrite
		}
		if err != nil {
			return err
		}
		copy(a.head[w.off:], w.b)
	}
	a.counted = n
	return nil
}

// A headerWrite is one write of a header rewrite.
type headerWrite struct {
	off int64
	b   []byte
}

// A headerPlan is the writes that take the file's header to a new one.
type headerPlan struct {
	writes []headerWrite
	// safe is 2 when the header counts rows between the old number and the
	// new one after every write, 1 when it is loadable after every write,
	// and 0 when it may not be.
	safe int
}

// headerPlan returns the writes that take a.head to a header of n rows:
// to numpy, the header NumPy writes, when what changes lies in one page;
// otherwise to the header a.head is with the number of rows replaced, the
// digits it gains taken from the nearest spaces before it or after it on
// its page (outside quotes: Python's literals allow spaces between tokens
// and need none), so that little moves and the writes stay in one page or
// two, written in the order that keeps the header safest.
func (a *Appender) headerPlan(numpy []byte, n int) headerPlan {
	if ws := diffWrites(a.head, numpy, false); len(ws) <= 1 {
		return headerPlan{writes: ws, safe: 2}
	}
	best := headerPlan{safe: -1}
	for _, c := range [][]byte{numpy, renumbered(a.head, a.counted, n, true), renumbered(a.head, a.counted, n, false)} {
		if c == nil {
			continue
		}
		for _, backwards := range []bool{false, true} {
			ws := diffWrites(a.head, c, backwards)
			if s := a.planSafety(ws, n); s > best.safe {
				best = headerPlan{writes: ws, safe: s}
			}
			if best.safe == 2 {
				return best
			}
		}
	}
	if best.safe <= 0 {
		// No order keeps the header loadable between writes: one write of
		// it all, as short a moment as can be had.
		lo, hi := diffRange(a.head, numpy)
		return headerPlan{writes: []headerWrite{{int64(lo), numpy[lo:hi]}}}
	}
	return best
}

// diffRange returns the range [lo, hi) outside which a and b agree.
func diffRange(a, b []byte) (lo, hi int) {
	hi = len(b)
	for lo < hi && a[lo] == b[lo] {
		lo++
	}
	for hi > lo && a[hi-1] == b[hi-1] {
		hi--
	}
	return lo, hi
}

// diffWrites returns the writes that turn a into b: the bytes that differ,
// cut at page boundaries, first page first or last page first.
func diffWrites(a, b []byte, backwards bool) []headerWrite {
	lo, hi := diffRange(a, b)
	var ws []headerWrite
	for off := lo; off < hi; {
		end := min(hi, int((int64(off)/headerPage+1)*headerPage))
		ws = append(ws, headerWrite{int64(off), b[off:end]})
		off = end
	}
	if backwards {
		for i, j := 0, len(ws)-1; i < j; i, j = i+1, j-1 {
			ws[i], ws[j] = ws[j], ws[i]
		}
	}
	return ws
}

// planSafety returns how safe the writes are, as headerPlan.safe says, or
// -1 if they do not make a header of n rows: the header after each write is
// read back as a reader would.
func (a *Appender) planSafety(ws []headerWrite, n int) int {
	state := append([]byte{}, a.head...)
	safe := 2
	for i, w := range ws {
		copy(state[w.off:], w.b)
		rows, ok := a.readsAs(state)
		switch {
		case i == len(ws)-1:
			if !ok || rows != n {
				return -1
			}
		case !ok || rows > n:
			safe = 0
		case rows < a.counted:
			safe = min(safe, 1)
		}
	}
	return safe
}

// readsAs returns the first axis the header h gives, and whether it is the
// file's header but for that: the same dtype, order, trailing axes and
// length.
func (a *Appender) readsAs(h []byte) (int, bool) {
	got, err := header.NPY{MaxHeaderLen: len(h)}.Describe(bytes.NewReader(h), 1<<62)
	if err != nil || got.DataOffset != a.hdr.DataOffset || got.FortranOrder != a.hdr.FortranOrder ||
		got.DType.String() != a.hdr.DType.String() || len(got.Shape) != len(a.hdr.Shape) {
		return 0, false
	}
	for k := 1; k < len(got.Shape); k++ {
		if got.Shape[k] != a.hdr.Shape[k] {
			return 0, false
		}
	}
	return got.Shape[0], true
}

// renumbered returns head with the first axis's number old replaced by n,
// the digits it gains taken from the spaces nearest to it before it
// (before) or after it, on the page of its first or last digit, outside
// quotes; or nil if head does not hold the number where NumPy writes it or
// has too few such spaces.
func renumbered(head []byte, old, n int, before bool) []byte {
	key := []byte("'shape':")
	i := bytes.LastIndex(head, key)
	if i < 0 {
		return nil
	}
	s := i + len(key) // the number follows, after spaces and a parenthesis
	for s < len(head) && (head[s] == ' ' || head[s] == '(') {
		s++
	}
	e := s
	for e < len(head) && head[e] >= '0' && head[e] <= '9' {
		e++
	}
	if string(head[s:e]) != strconv.Itoa(old) {
		return nil
	}
	digits := []byte(strconv.Itoa(n))
	grow := len(digits) - (e - s)
	if grow < 0 {
		return nil
	}
	free := freeSpaces(head)
	out := append([]byte{}, head...)
	if before {
		lo := int(int64(s) / headerPage * headerPage)
		var keep []byte
		k := s - 1
		for ; k >= lo && grow > 0; k-- {
			if free[k] {
				grow--
				continue
			}
			keep = append(keep, head[k])
		}
		if grow > 0 {
			return nil
		}
		slices.Reverse(keep)
		copy(out[k+1:], append(keep, digits...))
		return out
	}
	hi := int((int64(e-1)/headerPage + 1) * headerPage)
	var keep []byte
	k := e
	for ; k < min(hi, len(head)-1) && grow > 0; k++ {
		if free[k] {
			grow--
			continue
		}
		keep = append(keep, head[k])
	}
	if grow > 0 {
		return nil
	}
	copy(out[s:], append(digits, keep...))
	return out
}

// freeSpaces marks the spaces of a header's text that lie outside quoted
// strings, which a reader does not see.
func freeSpaces(head []byte) []bool {
	free := make([]bool, len(head))
	var quote byte
	for i := 0; i < len(head); i++ {
		c := head[i]
		switch {
		case quote != 0 && c == '\\':
			i++
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == ' ':
			free[i] = true
		}
	}
	return free
}
