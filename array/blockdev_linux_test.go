package array_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/mmap"
)

// A block device holds bytes at fixed offsets, as a file does: a .npy file
// seen through a loop device opens, and a raw description reads it to the
// device's end.
func TestOpenBlockDevice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.npy")
	data := make([]float64, 48) // with the 128-byte header, one 512-byte sector
	for i := range data {
		data[i] = float64(i) / 2
	}
	if err := array.Save(path, array.FromSlice(data)); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("losetup", "--find", "--show", path).Output()
	if err != nil {
		t.Skipf("no loop device: %v", err)
	}
	dev := strings.TrimSpace(string(out))
	defer exec.Command("losetup", "--detach", dev).Run()

	got, shape, err := array.Load[float64](dev)
	if err != nil {
		t.Fatalf("Load(%s) = %v", dev, err)
	}
	if len(shape) != 1 || shape[0] != 48 || got[47] != 23.5 {
		t.Errorf("Load(%s) = %v of shape %v", dev, got, shape)
	}
	raw, err := array.OpenRaw[uint8](dev, mmap.ReadOnly, header.Raw{})
	if err != nil {
		t.Fatalf("OpenRaw(%s) = %v", dev, err)
	}
	defer raw.Close()
	if raw.Len() != 512 || raw.At(0) != 0x93 {
		t.Errorf("OpenRaw(%s) has %d bytes starting %#x, want 512 from 0x93", dev, raw.Len(), raw.At(0))
	}
	if _, err := header.DescribeFile(dev, header.NPY{}); err != nil {
		t.Errorf("header.DescribeFile(%s) = %v", dev, err)
	}
}
