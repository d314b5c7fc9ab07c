// Package gonumexample shows a view of a mapped file handed to gonum's mat
// package without a copy. It is a module of its own so that the library's
// go.mod does not depend on gonum; its example runs with go test from this
// folder.
package gonumexample
