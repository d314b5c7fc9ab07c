//go:build !linux

package array_test

import "testing"

func smallDevice(t *testing.T, _ int) string {
	t.Skip("a small device to fill is made on Linux only")
	return ""
}

func allocatedBytes(*testing.T, string) (int64, bool) { return 0, false }
