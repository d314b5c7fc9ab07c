package spikeglx

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ndmap/ndmap/header"
)

func init() {
	header.RegisterFormat(header.Format{
		Name:       "spikeglx",
		Extensions: nil, // .bin is every raw format's extension; the .meta beside it decides
		Match:      match,
		Describer:  describer,
	})
}

// match claims a .bin file with a .meta file beside it, and a .meta file
// itself, so that opening one gets an error naming its .bin.
func match(name string, _ []byte) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".bin":
		_, err := MetaFile(name)
		return err == nil
	case ".meta":
		head, err := readHead(name)
		return err == nil && looksLikeMeta(head)
	}
	return false
}

func describer(name string) (header.Describer, error) {
	if strings.EqualFold(filepath.Ext(name), ".meta") {
		return nil, fmt.Errorf("spikeglx: %s is the meta file; open its data, %s", name, strings.TrimSuffix(name, filepath.Ext(name))+".bin")
	}
	meta, err := MetaFile(name)
	if err != nil {
		return nil, err
	}
	return ReadFile(meta)
}

// MetaFile returns the .meta file beside the .bin file called bin: the
// same name with the extension .meta, existing and starting with a
// "key=value" line. Without one the error wraps [fs.ErrNotExist].
func MetaFile(bin string) (string, error) {
	meta := strings.TrimSuffix(bin, filepath.Ext(bin)) + ".meta"
	if head, err := readHead(meta); err == nil && looksLikeMeta(head) {
		return meta, nil
	}
	return "", fmt.Errorf("spikeglx: no SpikeGLX meta file %s beside %s: %w", meta, bin, fs.ErrNotExist)
}

// looksLikeMeta reports whether a file's first bytes start with a line
// "key=" whose key is a plain name, as every SpikeGLX meta file does.
func looksLikeMeta(head []byte) bool {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	key, _, ok := bytes.Cut(line, []byte("="))
	if !ok || len(key) == 0 {
		return false
	}
	for _, c := range key {
		if !(c == '~' || c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// readHead returns the first bytes of the named regular file.
func readHead(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, fs.ErrNotExist
	}
	b := make([]byte, 256)
	n, err := io.ReadFull(f, b)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return b[:n], err
}
