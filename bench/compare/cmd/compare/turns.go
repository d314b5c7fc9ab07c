package main

import "runtime"

// turn is one reader of a workload whose readers take turns round by
// round: every reader runs once, then every reader runs again, and so on,
// so that a busy moment of the shared machine falls on all of them alike
// rather than on the one that happened to be running. The ratios of the
// medians then hold from one run to the next far better than when each
// reader runs all its rounds in a row.
type turn struct {
	reader string
	ref    bool
	note   string // added to the row's note
	// round times one round and returns its nanoseconds, the CPU time
	// of the thread that ran it (-1 if not measured) and a note that is
	// not empty when the result is wrong.
	round func() (ns, cpu float64, bad string)
	// warm is false for readers whose every round warms up by itself (a
	// NumPy script, which maps the file anew), and which therefore need no
	// untimed round first.
	warm bool
	skip string // why the reader is not measured

	samples []float64
	cpu     []float64
	bad     string
}

// goTurn is a turn of Go code: one call of fn is one round, checked by
// check against want.
//
// Each round calls fn twice and times the second call, as the NumPy script
// times the second of the two passes it makes in every call: each timed
// pass then follows an untimed pass over the same data, for every reader
// alike. Timing the first call only, as earlier runs did, charged the Go
// readers for what ran before them (another reader's pass over other
// memory, Python starting up for NumPy's turn) and NumPy not. On the
// 2-core AMD EPYC virtual machine the issue-19 figures come from, with the
// machine quiet, the sum's ref row took 70–82 ms timed that way against
// 36–39 ms timed after a pass of its own, NumPy's 38–42 ms either way; a
// 1 GiB pass over the mapped file also took 5–20% more CPU time after
// sleeping or after Python had run than right after another pass. No page
// faults were taken in either case, so what is lost is most likely the
// mapping's translations (TLB and page-table entries, of the guest and of
// the host).
//
// Beside the wall-clock time, a round reports the CPU time of its thread,
// which leaves out the time the thread waited for a core: on a shared
// machine the two differ by whatever else ran, and the CPU time of NumPy's
// timed pass is measured the same way (time.thread_time_ns).
func goTurn(reader string, fn func(), check func() float64, want float64) *turn {
	return &turn{reader: reader, round: func() (float64, float64, string) {
		fn()
		runtime.LockOSThread()
		c := threadCPU()
		ns := perOp(1, fn)
		if c >= 0 {
			c = threadCPU() - c
		}
		runtime.UnlockOSThread()
		return ns, c, checkNote(check(), want)
	}}
}

// numpyTurn is a turn of a workload of the NumPy script, one round a call;
// with checked, the script's check value must be want.
func (b *bench) numpyTurn(reader, workload string, args map[string]any, want float64, checked bool) *turn {
	t := &turn{reader: reader}
	if b.numpyVer == "" {
		t.skip = "NumPy not available"
		return t
	}
	one := map[string]any{"rounds": 1}
	for k, v := range args {
		if k != "rounds" {
			one[k] = v
		}
	}
	t.round = func() (float64, float64, string) {
		res, err := b.numpy(workload, one)
		if err != nil || len(res.NS) == 0 {
			t.skip = "NumPy failed: " + errString(err)
			return 0, -1, ""
		}
		cpu := -1.0
		if len(res.CPU) > 0 {
			cpu = res.CPU[0]
		}
		if checked {
			return res.NS[0], cpu, checkNote(res.Check, want)
		}
		return res.NS[0], cpu, ""
	}
	return t
}

func errString(err error) string {
	if err == nil {
		return "no result"
	}
	return err.Error()
}

// takeTurns runs each reader once untimed (those that need it), then rounds
// rounds of all readers in turn, and adds their rows to g in the order of
// turns.
func takeTurns(g *group, rounds int, turns []*turn) {
	for _, t := range turns {
		if t.skip == "" && t.warm {
			t.round()
		}
	}
	for range rounds {
		for _, t := range turns {
			if t.skip != "" {
				continue
			}
			ns, cpu, bad := t.round()
			if t.skip != "" {
				continue
			}
			t.samples = append(t.samples, ns)
			t.cpu = append(t.cpu, cpu)
			if bad != "" {
				t.bad = bad
			}
		}
	}
	for _, t := range turns {
		switch {
		case t.skip != "":
			g.skipped(t.reader, t.skip)
		case t.ref:
			g.ref(t.reader, t.samples, join(t.bad, t.note)).cpu = t.cpu
		default:
			g.add(t.reader, t.samples, join(t.bad, t.note)).cpu = t.cpu
		}
	}
}
