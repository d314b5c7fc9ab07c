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

// scriptCommand returns the command that runs one workload of a Python
// script embedded as text, written into the run's directory as name on
// first use, with args as JSON on its standard input.
func (b *bench) scriptCommand(name, text, workload string, args any) (*exec.Cmd, error) {
	script := b.path(name)
	if _, err := os.Stat(script); err != nil {
		if err := os.WriteFile(script, []byte(text), 0o644); err != nil {
			return nil, err
		}
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

// runScript runs one workload of a script as scriptCommand makes it and
// decodes the JSON it prints into res.
func (b *bench) runScript(name, text, workload string, args, res any) error {
	cmd, err := b.scriptCommand(name, text, workload, args)
	if err != nil {
		return err
	}
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s %s: %w", name, workload, err)
	}
	if err := json.Unmarshal(out, res); err != nil {
		return fmt.Errorf("%s %s: %w in %q", name, workload, err, out)
	}
	return nil
}

// numpyCommand returns the command that runs one workload of numpyScript.
func (b *bench) numpyCommand(workload string, args any) (*exec.Cmd, error) {
	return b.scriptCommand("numpy_bench.py", numpyScript, workload, args)
}

// numpy runs one workload of numpyScript and returns its result.
func (b *bench) numpy(workload string, args any) (numpyResult, error) {
	var res numpyResult
	err := b.runScript("numpy_bench.py", numpyScript, workload, args, &res)
	return res, err
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
