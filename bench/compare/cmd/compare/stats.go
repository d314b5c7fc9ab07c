package main

import (
	"fmt"
	"slices"
)

// group is one workload: rows measured on the same file, one of which is
// the ndmap reference the others are divided by.
type group struct {
	name  string
	bytes bool // samples are bytes (peak RSS), not nanoseconds
	rows  []*row
}

// row is one reader's rounds of a workload.
type row struct {
	reader  string
	samples []float64 // one per round: nanoseconds per operation, or bytes
	cpu     []float64 // CPU time of the timing thread in each round, where measured (-1: not)
	isRef   bool
	note    string
	skip    string // why the row was not measured
}

func (b *bench) group(name string) *group {
	g := &group{name: name}
	b.groups = append(b.groups, g)
	return g
}

// add appends a row to g and returns it.
func (g *group) add(reader string, samples []float64, note string) *row {
	r := &row{reader: reader, samples: samples, note: note}
	g.rows = append(g.rows, r)
	return r
}

// ref adds the reference row of g.
func (g *group) ref(reader string, samples []float64, note string) *row {
	r := g.add(reader, samples, note)
	r.isRef = true
	return r
}

// skipped adds a row that was not measured, saying why.
func (g *group) skipped(reader, why string) {
	g.rows = append(g.rows, &row{reader: reader, skip: why})
}

// refRow returns the reference row, or nil.
func (g *group) refRow() *row {
	for _, r := range g.rows {
		if r.isRef && r.skip == "" {
			return r
		}
	}
	return nil
}

// find returns the row of the reader, or nil.
func (g *group) find(reader string) *row {
	for _, r := range g.rows {
		if r.reader == reader && r.skip == "" {
			return r
		}
	}
	return nil
}

func (r *row) median() float64 {
	s := slices.Sorted(slices.Values(r.samples))
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// cpuMedian returns the median CPU time of the timing thread over the
// rounds, or 0 when some round has none.
func (r *row) cpuMedian() float64 {
	if len(r.cpu) == 0 || slices.Min(r.cpu) < 0 {
		return 0
	}
	return (&row{samples: r.cpu}).median()
}

// cpuRatio says how the medians of the CPU time of the timing thread
// compare, for a target's measured text, or "" when either was not
// measured.
func cpuRatio(what string, num, den *row) string {
	n, d := num.cpuMedian(), den.cpuMedian()
	if n == 0 || d == 0 {
		return ""
	}
	return fmt.Sprintf("; by CPU time of the timing thread %s: %.2f (%s against %s)", what, n/d, duration(n), duration(d))
}

func (r *row) min() float64 { return slices.Min(r.samples) }
func (r *row) max() float64 { return slices.Max(r.samples) }

func (g *group) format(v float64) string {
	if g.bytes {
		return size(int64(v))
	}
	return duration(v)
}

// duration formats nanoseconds with three significant digits.
func duration(ns float64) string {
	switch {
	case ns < 1e3:
		return fmt.Sprintf("%.3g ns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.3g µs", ns/1e3)
	case ns < 1e9:
		return fmt.Sprintf("%.3g ms", ns/1e6)
	}
	return fmt.Sprintf("%.3g s", ns/1e9)
}

// size formats bytes in binary units.
func size(n int64) string {
	switch {
	case n < 0:
		return "?"
	case n < 1<<20:
		return fmt.Sprintf("%.3g KiB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.4g MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.3g GiB", float64(n)/(1<<30))
}
