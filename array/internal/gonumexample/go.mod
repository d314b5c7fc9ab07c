module github.com/ndmap/ndmap/array/internal/gonumexample

go 1.24.0

require (
	github.com/ndmap/ndmap v0.0.0
	gonum.org/v1/gonum v0.17.0
)

require golang.org/x/sys v0.41.0 // indirect

replace github.com/ndmap/ndmap => ../../..
