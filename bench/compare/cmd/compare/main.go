// Command compare measures ndmap against NumPy's np.load(mmap_mode='r'),
// os.File.ReadAt (pread) and github.com/sbinet/npyio on the same files in one
// run, and prints the results as a markdown table.
//
// Run it from the folder of its module:
//
//	go run ./cmd/compare [-quick] [-o RESULTS.md] [-dir DIR] [-only w1,w2]
//
// It writes its data files (about 2.3 GB by default, more with sparse holes
// that cost no disk) into a new directory under -dir and removes them before
// it exits, also when interrupted.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// config holds the sizes of one run.
type config struct {
	quick       bool
	frames      int // frames of the (N, 256, 256) float32 file
	warmFrames  int // frames read per warm round
	coldFrames  int // frames read per cold round
	rows        int // rows of the (rows, 64) float64 file
	records     int // records of the structured file
	rssFrames   int // frames read from the file twice the size of RAM
	rounds      int // rounds of the cheap workloads
	costlyRound int // rounds of the workloads that take seconds each
	rssRounds   int // runs of each child process of the peak RSS workload
	openSizes   []int64
}

var defaultConfig = config{
	frames:      4096, // 1 GiB
	warmFrames:  2000,
	coldFrames:  300,
	rows:        2_000_000, // 1 GiB
	records:     10_000_000,
	rssFrames:   10_000,
	rounds:      7,
	costlyRound: 3,
	rssRounds:   2,
	openSizes:   []int64{1 << 20, 1 << 30, 64 << 30},
}

var quickConfig = config{
	quick:       true,
	frames:      256, // 64 MiB
	warmFrames:  200,
	coldFrames:  50,
	rows:        100_000,
	records:     500_000,
	rssFrames:   1000,
	rounds:      5,
	costlyRound: 2,
	rssRounds:   1,
	openSizes:   []int64{1 << 20, 1 << 30, 64 << 30},
}

// workloads in the order they run.
var workloads = []struct {
	name string
	run  func(*bench) error
}{
	{"open", (*bench).open},
	{"view", (*bench).view},
	{"warm", (*bench).warmFrames},
	{"cold", (*bench).coldFrames},
	{"column", (*bench).column},
	{"sum", (*bench).sum},
	{"field", (*bench).field},
	{"rss", (*bench).rss},
	{"write", (*bench).write},
	{"shards", (*bench).shards},
	{"zarr", (*bench).zarr},
	{"npz", (*bench).archive},
	{"fill", (*bench).fill},
	{"fillorder", (*bench).fillOrder},
	{"appendsync", (*bench).appendSync},
	{"reduce-sum", (*bench).reduceSum},
	{"reduce-cold", (*bench).reduceCold},
	{"reduce-channels", (*bench).reduceChannels},
	{"reduce-frame", (*bench).reduceFrame},
	{"reduce-scaling", (*bench).reduceScaling},
	{"zarr-sum", (*bench).zarrSum},
}

func main() {
	var (
		quick  = flag.Bool("quick", false, "small files and few rounds, for a quick check")
		dir    = flag.String("dir", os.TempDir(), "where to make the temporary directory for the data files")
		out    = flag.String("o", "", "also write the results to this file")
		only   = flag.String("only", "", "comma-separated workloads to run (default all): "+workloadNames())
		python = flag.String("python", "/usr/bin/python3", "the Python with NumPy to compare with")
		child  = flag.String("child", "", "internal: run as the child process of the peak RSS workload")
	)
	flag.Parse()
	if *child != "" {
		run := runChild
		if isFillChild(*child) {
			run = runFillChild
		}
		if isReduceChild(*child) {
			run = runReduceChild
		}
		if err := run(*child); err != nil {
			fmt.Fprintln(os.Stderr, "compare:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*quick, *dir, *out, *only, *python); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

func workloadNames() string {
	var names []string
	for _, w := range workloads {
		names = append(names, w.name)
	}
	return strings.Join(names, ",")
}

func run(quick bool, dir, out, only, python string) error {
	cfg := defaultConfig
	if quick {
		cfg = quickConfig
	}
	selected := map[string]bool{}
	for _, name := range strings.Split(only, ",") {
		if name != "" {
			selected[name] = true
		}
	}
	tmp, err := os.MkdirTemp(dir, "ndmap-compare-")
	if err != nil {
		return err
	}
	// Remove the data files on every way out, an interrupt included.
	cleanup := func() { os.RemoveAll(tmp) }
	defer cleanup()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		cleanup()
		fmt.Fprintln(os.Stderr, "compare: interrupted; data files removed")
		os.Exit(2)
	}()

	b := &bench{cfg: cfg, dir: tmp, python: python}
	b.facts = machineFacts(b)
	start := time.Now()
	for _, w := range workloads {
		if len(selected) > 0 && !selected[w.name] {
			continue
		}
		fmt.Fprintf(os.Stderr, "compare: %s ...\n", w.name)
		t := time.Now()
		if err := w.run(b); err != nil {
			return fmt.Errorf("%s: %w", w.name, err)
		}
		fmt.Fprintf(os.Stderr, "compare: %s done in %v\n", w.name, time.Since(t).Round(time.Millisecond))
	}
	b.elapsed = time.Since(start)

	var buf bytes.Buffer
	b.report(&buf, commandLine())
	os.Stdout.Write(buf.Bytes())
	if out != "" {
		return os.WriteFile(out, buf.Bytes(), 0o644)
	}
	return nil
}

// commandLine returns the command as it was typed, with the program named as
// go run names it.
func commandLine() string {
	return strings.Join(append([]string{"go run ./cmd/compare"}, os.Args[1:]...), " ")
}

// bench holds the state of one run: its sizes, its files and its results.
type bench struct {
	cfg      config
	dir      string
	python   string
	numpyVer string // NumPy's version, "" when it is not available
	facts    facts
	groups   []*group
	targets  []target
	notes    []string
	elapsed  time.Duration

	framesPath, gridPath string // data files, made on first use
	framesOff, gridOff   int64
}

// path returns the path of a data file of the run.
func (b *bench) path(name string) string { return filepath.Join(b.dir, name) }

// note adds a line to the notes under the table.
func (b *bench) note(format string, args ...any) {
	b.notes = append(b.notes, fmt.Sprintf(format, args...))
}

// facts are what the results depend on besides the code.
type facts struct {
	cpu, kernel  string
	cores        int
	memTotal     int64
	memFree      int64
	memAvailable int64
	cached       int64
	goVersion    string
	started      time.Time
	source       string // the commit of the library measured
}

func machineFacts(b *bench) facts {
	f := facts{cores: runtime.NumCPU(), goVersion: runtime.Version(), started: time.Now()}
	f.cpu = cpuModel()
	mi, _ := meminfo()
	f.memTotal, f.memFree, f.memAvailable, f.cached = mi["MemTotal"], mi["MemFree"], mi["MemAvailable"], mi["Cached"]
	if v, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		f.kernel = strings.TrimSpace(string(v))
	}
	b.numpyVer = numpyVersion(b)
	f.source = librarySource()
	return f
}

// cpuModel returns the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

// meminfo returns the fields of /proc/meminfo, in bytes.
func meminfo() (map[string]int64, error) {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return nil, err
	}
	m := map[string]int64{}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		var n int64
		var unit string
		fmt.Sscan(v, &n, &unit)
		if unit == "kB" {
			n *= 1024
		}
		m[k] = n
	}
	return m, nil
}

// report writes the results as markdown.
func (b *bench) report(w io.Writer, command string) {
	f := b.facts
	fmt.Fprintf(w, "# ndmap compared with NumPy, pread and npyio\n\n")
	fmt.Fprintf(w, "Made by `%s` (from `bench/compare`), %s, in %v.\n\n", command, f.started.UTC().Format("2006-01-02 15:04 MST"), b.elapsed.Round(time.Second))
	fmt.Fprintf(w, "- CPU: %s, %d cores\n", f.cpu, f.cores)
	fmt.Fprintf(w, "- RAM: %s; at start %s free, %s available, %s in the page cache\n", size(f.memTotal), size(f.memFree), size(f.memAvailable), size(f.cached))
	fmt.Fprintf(w, "- %s, %s/%s, Linux %s\n", f.goVersion, runtime.GOOS, runtime.GOARCH, f.kernel)
	if b.numpyVer != "" {
		fmt.Fprintf(w, "- NumPy %s (%s)\n", b.numpyVer, b.python)
	} else {
		fmt.Fprintf(w, "- NumPy not available: its rows are skipped\n")
	}
	fmt.Fprintf(w, "- github.com/sbinet/npyio %s\n", npyioVersion())
	if f.source != "" {
		fmt.Fprintf(w, "- ndmap: %s\n", f.source)
	}
	fmt.Fprintf(w, "- Page cache: %s\n\n", b.cacheLine())

	fmt.Fprintf(w, "Each row gives the median of the rounds, the fastest and slowest round, and the number of rounds.\n")
	fmt.Fprintf(w, "\"÷ ndmap\" is the row's median divided by the median of the workload's ndmap row marked **ref**, measured in the same run:\n")
	fmt.Fprintf(w, "above 1, ndmap is faster (or, for memory, smaller).\n\n")
	fmt.Fprintf(w, "| workload | reader | median | min – max | rounds | ÷ ndmap | note |\n")
	fmt.Fprintf(w, "|---|---|--:|--:|--:|--:|---|\n")
	for _, g := range b.groups {
		ref := g.refRow()
		for i, r := range g.rows {
			name := ""
			if i == 0 {
				name = g.name
			}
			reader := r.reader
			if r == ref {
				reader = "**ref** " + reader
			}
			if r.skip != "" {
				fmt.Fprintf(w, "| %s | %s | — | — | 0 | — | %s |\n", name, reader, r.skip)
				continue
			}
			ratio := "—"
			if ref != nil && r != ref && ref.median() > 0 {
				ratio = fmt.Sprintf("%.2f", r.median()/ref.median())
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s – %s | %d | %s | %s |\n", name, reader,
				g.format(r.median()), g.format(r.min()), g.format(r.max()), len(r.samples), ratio, r.note)
		}
	}
	if len(b.targets) > 0 {
		fmt.Fprintf(w, "\n## Targets\n\n| target | measured | met |\n|---|---|---|\n")
		for _, t := range b.targets {
			met := "yes"
			if !t.met {
				met = "**no**"
			}
			fmt.Fprintf(w, "| %s | %s | %s |\n", t.what, t.measured, met)
		}
	}
	if len(b.notes) > 0 {
		fmt.Fprintf(w, "\n## Notes\n\n")
		for _, n := range b.notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
	}
}

func (b *bench) cacheLine() string {
	line := "warm rows read their file once, untimed, before the timed rounds"
	if canEvict {
		line += "; cold rows evict the file with posix_fadvise(POSIX_FADV_DONTNEED) before each round, after every mapping of it is closed (Linux only)"
	} else {
		line += "; cold rows are skipped: evicting one file's pages needs Linux"
	}
	return line + "; the machine is shared, so other programs' pages come and go"
}

// target is one of the goals the results are checked against.
type target struct {
	what, measured string
	met            bool
}

func (b *bench) target(what string, met bool, format string, args ...any) {
	b.targets = append(b.targets, target{what: what, measured: fmt.Sprintf(format, args...), met: met})
}

// librarySource names the commit of the library the run measures, and any
// uncommitted change to its packages, when the source is a git checkout.
func librarySource() string {
	out, err := exec.Command("git", "log", "-1", "--format=%h (%cs)").Output()
	if err != nil {
		return ""
	}
	src := "commit " + strings.TrimSpace(string(out))
	dirty, err := exec.Command("git", "status", "--porcelain", "--", "../../array", "../../mmap", "../../header", "../../layout", "../../internal").Output()
	if err == nil && len(bytes.TrimSpace(dirty)) > 0 {
		src += "; uncommitted: " + strings.Join(strings.Fields(strings.ReplaceAll(string(dirty), "\n", " ")), " ")
	}
	return src
}
