package main

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
)

// numpyScript times NumPy's side of each workload inside Python.
//
//go:embed numpy_bench.py
var numpyScript string

// numpyResult is what the script prints.
type numpyResult struct {
	NS      []float64 `json:"ns"`
	CPU     []float64 `json:"cpu"` // CPU time of the thread in each timed round, where the workload measures it
	Check   float64   `json:"check"`
	Version string    `json:"version"`
	HWM     int64     `json:"hwm"` // peak RSS of the process since exec, in bytes (peak RSS workload)
}

// scriptPath writes the embedded script into the run's directory once.
func (b *bench) scriptPath() (string, error) {
	p := b.path("numpy_bench.py")
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	return p, os.WriteFile(p, []byte(numpyScript), 0o644)
}

// numpyCommand returns the command that runs one workload of the script,
// with args as JSON on its standard input.
func (b *bench) numpyCommand(workload string, args any) (*exec.Cmd, error) {
	script, err := b.scriptPath()
	if err != nil {
		return nil, err
	}
	in, err := json.Marshal(args)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(b.python, script, workload)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = os.Stderr
	return cmd, nil
}

// numpy runs one workload of the script and returns its result.
func (b *bench) numpy(workload string, args any) (numpyResult, error) {
	var res numpyResult
	cmd, err := b.numpyCommand(workload, args)
	if err != nil {
		return res, err
	}
	out, err := cmd.Output()
	if err != nil {
		return res, fmt.Errorf("numpy %s: %w", workload, err)
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return res, fmt.Errorf("numpy %s: %w in %q", workload, err, out)
	}
	return res, nil
}

// numpyVersion returns NumPy's version, or "" (with a note) when Python or
// NumPy is missing.
func numpyVersion(b *bench) string {
	res, err := b.numpy("version", struct{}{})
	if err != nil {
		b.note("NumPy rows skipped: %v", err)
		return ""
	}
	return res.Version
}

// npyioVersion returns the version of github.com/sbinet/npyio built in.
func npyioVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if strings.HasSuffix(d.Path, "/npyio") {
				return d.Version
			}
		}
	}
	return "(unknown version)"
}
