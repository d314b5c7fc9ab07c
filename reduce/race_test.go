//go:build race

package reduce

// raceDetector is true when the tests run under the race detector, which
// makes every memory access and synchronisation many times slower. The
// largest cases then shrink — the accuracy tests' sizes, the per-dtype
// tests' configurations, the dataset tests' runs — keeping every code path
// they reach; they run at full size in a plain go test.
const raceDetector = true
