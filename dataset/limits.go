package dataset

import (
	"math"
	"sync"
)

// defaultMaxMapped is how many files the datasets of a process keep mapped
// together unless [MaxMapped] bounds one of them: half of the system's
// limit on mappings where it has one (on Linux vm.max_map_count, 65,530 by
// default, so 32,765), leaving the other half to the Go runtime, the rest
// of the program and mappings split in two by advice; fallbackMaxMapped
// elsewhere.
var defaultMaxMapped = sync.OnceValue(func() int {
	if n, ok := systemMapLimit(); ok {
		return max(n/2, 1024)
	}
	return fallbackMaxMapped
})

// fallbackMaxMapped is the default bound on mappings where the system's
// limit is not known: as on Linux by default.
const fallbackMaxMapped = 32768

// maxMapBytes bounds the bytes a dataset keeps mapped: on a 32-bit system,
// a quarter of the 2 GiB a program can count on, so that the mappings leave
// room for the heap; elsewhere, nothing that can be reached.
var maxMapBytes = func() int64 {
	if math.MaxInt == math.MaxInt32 {
		return 512 << 20
	}
	return math.MaxInt64
}()
