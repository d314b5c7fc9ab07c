package reftest

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// RequirePython returns a Python interpreter that can import module:
// $PYTHON, else python3 in /usr/bin or on the PATH. Without one the test is
// skipped, or fails when CI=true, where the reference readers must be
// installed.
func RequirePython(t testing.TB, module string) string {
	t.Helper()
	for _, py := range []string{os.Getenv("PYTHON"), "/usr/bin/python3", "python3"} {
		if py != "" && exec.Command(py, "-c", "import "+module).Run() == nil {
			return py
		}
	}
	// Debian packages the reference readers as python3-<top-level module>.
	deb := "python3-" + strings.ToLower(strings.SplitN(module, ".", 2)[0])
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required when CI=true: no python3 here can import it (install %s)", module, deb)
	}
	t.Skipf("no python3 with %s (%s); set PYTHON to one", module, deb)
	return ""
}

// PythonJSON runs script with args in a Python interpreter that can import
// module (see [RequirePython]) and decodes the JSON it writes to standard
// output into v. The script's standard error goes to the test's, so that a
// Python traceback shows where the reference reader failed.
func PythonJSON(t testing.TB, module, script string, v any, args ...string) {
	t.Helper()
	py := RequirePython(t, module)
	cmd := exec.Command(py, append([]string{"-c", script}, args...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", module, err)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("%s: %v", module, err)
	}
}
