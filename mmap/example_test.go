package mmap_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ndmap/ndmap/mmap"
)

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "mmap-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "greeting.txt")
	if err := os.WriteFile(path, []byte("hello, mapped world\n"), 0o666); err != nil {
		log.Fatal(err)
	}

	m, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	fmt.Printf("%d bytes: %q\n", m.Len(), m.Bytes()[7:13])
	// Output:
	// 20 bytes: "mapped"
}

func ExampleOpenRegion() {
	dir, err := os.MkdirTemp("", "mmap-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "data.bin")
	if err := os.WriteFile(path, []byte("HEADER--0123456789"), 0o666); err != nil {
		log.Fatal(err)
	}

	// Map the data after an 8-byte header; the offset need not be aligned.
	m, err := mmap.OpenRegion(path, mmap.CopyOnWrite, 8, 10)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	m.Bytes()[0] = 'X' // private: the file keeps its '0'
	file, _ := os.ReadFile(path)
	fmt.Printf("map %s, file %s\n", m.Bytes(), file[8:])
	// Output:
	// map X123456789, file 0123456789
}

func ExampleCreate() {
	dir, err := os.MkdirTemp("", "mmap-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "out.bin")

	m, err := mmap.Create(path, 4)
	if err != nil {
		log.Fatal(err)
	}
	copy(m.Bytes(), "abcd")
	if err := m.Resize(6); err != nil { // earlier Bytes slices are invalid now
		log.Fatal(err)
	}
	copy(m.Bytes()[4:], "ef")
	if err := m.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := m.Close(); err != nil {
		log.Fatal(err)
	}
	file, _ := os.ReadFile(path)
	fmt.Printf("%s\n", file)
	// Output:
	// abcdef
}
