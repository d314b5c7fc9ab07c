//go:build !linux

package array

import (
	"errors"
	"io/fs"
	"os"
)

// openUnnamed returns nil: files are made under a name of their own.
func openUnnamed(string, string, fs.FileMode) (*os.File, error) { return nil, nil }

func linkUnnamed(*os.File, string) error { return errors.ErrUnsupported }
