//go:build unix

// Windows does not let a mapped file shrink, so this example runs on Unix only.

package mmap_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ndmap/ndmap/mmap"
)

func ExampleMap_Guard() {
	dir, err := os.MkdirTemp("", "mmap-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "data.bin")
	if err := os.WriteFile(path, make([]byte, 1<<16), 0o666); err != nil {
		log.Fatal(err)
	}
	m, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()

	// Another program empties the file while it is mapped: every byte is
	// lost, from the first.
	if err := os.Truncate(path, 0); err != nil {
		log.Fatal(err)
	}

	err = m.Guard(func(b []byte) error {
		var sum int
		for _, c := range b[100:] {
			sum += int(c)
		}
		fmt.Println("sum", sum)
		return nil
	})
	var fe *mmap.FaultError
	if errors.As(err, &fe) {
		fmt.Println("fault at byte", fe.Offset)
	}
	// Output:
	// fault at byte 0
}
