// Package bench holds benchmarks that compare ndmap with the plain
// alternatives on the same data in the same run.
//
// # Reading the results
//
// Each benchmark has one sub-benchmark per alternative, run one after the
// other on the same file. The sub-benchmark for ndmap runs last and reports,
// besides its own time, an "x-faster" metric: the time per operation of the
// plain alternative measured just before, divided by its own. A value above
// 1 means ndmap was faster.
//
// The benchmarks write their data files (1 GiB each) to a temporary
// directory, remove them afterwards, and are skipped under -short.
package bench
