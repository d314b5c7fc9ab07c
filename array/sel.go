package array

import (
	"fmt"
	"strconv"
	"strings"
)

// Sel selects positions along one axis, as one entry of a NumPy index does:
// a single position that drops the axis (a[7]), or a range start:stop:step
// that keeps it (a[2:10:2], a[::-1]). Build one with [Idx], [Range], [From],
// [To] or [All], and set a step with [Sel.By].
//
// Positions follow Python: negative ones count from the end of the axis, and
// range bounds beyond the axis are clipped to it.
type Sel struct {
	index             bool
	start, stop, step int
	hasStart, hasStop bool
}

// All selects the whole axis, like ':' in NumPy.
var All = Sel{step: 1}

// Idx selects the single position i of an axis and drops the axis, like a[i]
// in NumPy. A negative i counts from the end.
func Idx(i int) Sel { return Sel{index: true, start: i, step: 1} }

// Range selects positions start up to but not including stop, like a[start:stop].
func Range(start, stop int) Sel {
	return Sel{start: start, stop: stop, step: 1, hasStart: true, hasStop: true}
}

// From selects positions from start to the end of the axis, like a[start:].
func From(start int) Sel { return Sel{start: start, step: 1, hasStart: true} }

// To selects positions from the start of the axis up to but not including
// stop, like a[:stop].
func To(stop int) Sel { return Sel{stop: stop, step: 1, hasStop: true} }

// By returns s with step n, like a[start:stop:n]. A negative step walks the
// axis backwards; with no bounds given, All.By(-1) reverses the axis.
//
// By panics if n is zero or s selects a single position.
func (s Sel) By(n int) Sel {
	if n == 0 {
		panic("array: Sel step is zero")
	}
	if s.index {
		panic("array: Sel.By on a single position (Idx)")
	}
	s.step = n
	return s
}

// Position returns the position an [Idx] selects (negative when it counts
// from the end) and true; for a range it returns 0 and false.
func (s Sel) Position() (int, bool) {
	if s.index {
		return s.start, true
	}
	return 0, false
}

// String returns s as NumPy's index syntax writes it: "7", "2:10:2", "::-1", ":".
func (s Sel) String() string {
	if s.index {
		return strconv.Itoa(s.start)
	}
	var b strings.Builder
	if s.hasStart {
		b.WriteString(strconv.Itoa(s.start))
	}
	b.WriteByte(':')
	if s.hasStop {
		b.WriteString(strconv.Itoa(s.stop))
	}
	if s.step != 1 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(s.step))
	}
	return b.String()
}

// resolve returns the first position, the count and the step that s
// selects on an axis of length n, as Python's slice.indices does.
func (s Sel) resolve(n int) (first, count, step int) {
	step = s.step
	if step == 0 {
		step = 1 // the zero Sel selects everything, like All
	}
	if s.index {
		i := s.start
		if i < 0 {
			i += n
		}
		if i < 0 || i >= n {
			panic(fmt.Sprintf("array: index %d out of range for an axis of length %d", s.start, n))
		}
		return i, 1, 1
	}
	var lo, hi int
	if step > 0 {
		lo, hi = 0, n
	} else {
		lo, hi = -1, n-1
	}
	start, stop := lo, hi
	if step < 0 {
		start, stop = hi, lo
	}
	clip := func(v int) int {
		if v < 0 {
			v += n
			if v < lo {
				v = lo
			}
		} else if v > hi {
			v = hi
		}
		return v
	}
	if s.hasStart {
		start = clip(s.start)
	}
	if s.hasStop {
		stop = clip(s.stop)
	}
	// start and stop lie in [-1, n], so their difference cannot overflow;
	// the step may be anything, so it is never added to them nor negated
	// (-MinInt is MinInt). Go's division truncates toward zero, which for a
	// negative step and a positive distance gives minus the floor.
	switch {
	case step > 0 && stop > start:
		count = (stop-start-1)/step + 1
	case step < 0 && start > stop:
		count = 1 - (start-stop-1)/step
	}
	if count <= 1 {
		// The step of an axis of one position moves nowhere; a step that
		// large would overflow when multiplied into a stride.
		step = 1
	}
	return start, count, step
}

// slice applies one Sel per leading axis; axes without a Sel are kept whole.
func (g geom) slice(sels []Sel) geom {
	if len(sels) > len(g.shape) {
		panic(fmt.Sprintf("array: %d selections for a %d-d view", len(sels), len(g.shape)))
	}
	// One allocation holds both the new shape and the new strides.
	dims := make([]int, 2*len(g.shape))
	shape := dims[:0:len(g.shape)]
	strides := dims[len(g.shape):len(g.shape)]
	base := g.base
	for k, n := range g.shape {
		if k >= len(sels) {
			shape = append(shape, n)
			strides = append(strides, g.strides[k])
			continue
		}
		first, count, step := sels[k].resolve(n)
		if count > 0 {
			base += first * g.strides[k]
		}
		if sels[k].index {
			continue
		}
		shape = append(shape, count)
		strides = append(strides, step*g.strides[k])
	}
	g.base, g.shape, g.strides = base, shape, strides
	return g.trim()
}

// ParseIndex reads an index in NumPy's syntax, with or without the
// brackets: "7", "-1, ::2", "[:, 3]", "[2:10:2, ::-1]". It returns one Sel
// per comma-separated entry.
func ParseIndex(expr string) ([]Sel, error) {
	s := strings.TrimSpace(expr)
	if strings.HasPrefix(s, "[") {
		if !strings.HasSuffix(s, "]") {
			return nil, fmt.Errorf("array: index %q: missing ']'", expr)
		}
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if s == "" {
		return nil, nil
	}
	var sels []Sel
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			return nil, fmt.Errorf("array: index %q: empty entry", expr)
		}
		sel, err := parseSel(part)
		if err != nil {
			return nil, fmt.Errorf("array: index %q: %w", expr, err)
		}
		sels = append(sels, sel)
	}
	return sels, nil
}

func parseSel(s string) (Sel, error) {
	fields := strings.Split(s, ":")
	if len(fields) > 3 {
		return Sel{}, fmt.Errorf("too many ':' in %q", s)
	}
	num := func(f string) (int, bool, error) {
		f = strings.TrimSpace(f)
		if f == "" {
			return 0, false, nil
		}
		v, err := strconv.Atoi(f)
		if err != nil {
			return 0, false, fmt.Errorf("%q is not an integer", f)
		}
		return v, true, nil
	}
	if len(fields) == 1 {
		v, ok, err := num(fields[0])
		if err != nil {
			return Sel{}, err
		}
		if !ok {
			return Sel{}, fmt.Errorf("empty entry")
		}
		return Idx(v), nil
	}
	sel := Sel{step: 1}
	var err error
	if sel.start, sel.hasStart, err = num(fields[0]); err != nil {
		return Sel{}, err
	}
	if sel.stop, sel.hasStop, err = num(fields[1]); err != nil {
		return Sel{}, err
	}
	if len(fields) == 3 {
		step, ok, err := num(fields[2])
		if err != nil {
			return Sel{}, err
		}
		if ok {
			if step == 0 {
				return Sel{}, fmt.Errorf("slice step cannot be zero")
			}
			sel.step = step
		}
	}
	return sel, nil
}
