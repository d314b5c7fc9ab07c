package dataset

import (
	"os"
	"strconv"
	"strings"
)

// systemMapLimit returns the most mappings a process may have:
// vm.max_map_count.
func systemMapLimit() (int, bool) {
	b, err := os.ReadFile("/proc/sys/vm/max_map_count")
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return n, err == nil && n > 0
}
