package header

import (
	"fmt"
	"hash/crc32"
	"testing"
)

// BenchmarkVerifyBytes checks a member's CRC-32 in memory, as a mapped
// member is checked, against copying the same bytes: the plain cost of
// reading them once.
func BenchmarkVerifyBytes(b *testing.B) {
	for _, size := range []int{1 << 20, 64 << 20} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i * 7)
		}
		m := &Member{Name: "x.npy", UncompressedSize: int64(size), CRC32: crc32.ChecksumIEEE(data), src: &archiveSource{}}
		b.Run(fmt.Sprintf("crc32/%dMiB", size>>20), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if err := m.VerifyBytes(data); err != nil {
					b.Fatal(err)
				}
			}
		})
		dst := make([]byte, size)
		b.Run(fmt.Sprintf("copy/%dMiB", size>>20), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				copy(dst, data)
			}
		})
	}
}
