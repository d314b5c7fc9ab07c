//go:build !race

package reduce

// raceDetector is true when the tests run under the race detector (see
// race_test.go).
const raceDetector = false
