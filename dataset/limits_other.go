//go:build !linux

package dataset

// systemMapLimit reports that the system's limit on mappings is not known:
// other systems bound them by address space and memory only.
func systemMapLimit() (int, bool) { return 0, false }
