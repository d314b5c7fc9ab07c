package mmap_test

import "testing"

func smallDevice(t *testing.T, _ int) string {
	t.Skip("no small device to fill on macOS")
	return ""
}
