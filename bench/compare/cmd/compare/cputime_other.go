//go:build !linux

package main

// threadCPU is not measured on this system.
func threadCPU() float64 { return -1 }
