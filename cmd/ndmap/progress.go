package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress draws a bar on stderr for long work: only when stderr is a
// terminal, and only once the work has taken more than a second, so that
// quick runs and redirected output stay clean.
type progress struct {
	w      io.Writer
	label  string
	total  int64
	start  time.Time
	last   time.Time
	tty    bool
	shown  bool
	done   int64 // units finished, for callers that count as they go
	barLen int
}

func newProgress(w io.Writer, label string, total int64) *progress {
	p := &progress{w: w, label: label, total: total, start: time.Now(), barLen: 30}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// update reports that done of total units are finished.
func (p *progress) update(done int64) {
	if !p.tty || p.total <= 0 {
		return
	}
	now := time.Now()
	if now.Sub(p.start) < time.Second || now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	frac := float64(done) / float64(p.total)
	n := int(frac * float64(p.barLen))
	fmt.Fprintf(p.w, "\r%s [%s%s] %3.0f%%", p.label, strings.Repeat("=", n), strings.Repeat(" ", p.barLen-n), 100*frac)
	p.shown = true
}

// add reports that n more units are finished.
func (p *progress) add(n int64) {
	p.done += n
	p.update(p.done)
}

// finish clears the bar, if one was drawn.
func (p *progress) finish() {
	if p.shown {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", len(p.label)+p.barLen+8))
		p.shown = false
	}
}
