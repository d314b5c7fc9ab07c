package reftest

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/ndmap/ndmap/layout"
)

// SHA256 returns the hex SHA-256 of b, as the manifests give hashlib's.
func SHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Numbers decodes the first n items of b as dt and formats each as JSON
// does the value NumPy's .item() gives: integers exactly, floats as
// numbers, complex numbers as [re, im].
func Numbers(dt layout.DType, b []byte, n int) []string {
	o := dt.Order.Binary()
	var out []string
	for i := 0; i < n && (i+1)*dt.Size <= len(b); i++ {
		x := b[i*dt.Size : (i+1)*dt.Size]
		out = append(out, number(dt, o, x))
	}
	return out
}

func number(dt layout.DType, o binary.ByteOrder, x []byte) string {
	var u uint64
	switch len(x) {
	case 1:
		u = uint64(x[0])
	case 2:
		u = uint64(o.Uint16(x))
	case 4:
		u = uint64(o.Uint32(x))
	case 8:
		u = o.Uint64(x)
	}
	bits := uint(8 * len(x))
	switch dt.Kind {
	case layout.Uint:
		return strconv.FormatUint(u, 10)
	case layout.Int:
		return strconv.FormatInt(int64(u<<(64-bits))>>(64-bits), 10)
	case layout.Float:
		if len(x) == 2 {
			return strconv.FormatFloat(layout.Float16(u).Float64(), 'g', -1, 64)
		}
		if len(x) == 4 {
			return strconv.FormatFloat(float64(math.Float32frombits(uint32(u))), 'g', -1, 64)
		}
		return strconv.FormatFloat(math.Float64frombits(u), 'g', -1, 64)
	case layout.Complex:
		half := layout.DType{Kind: layout.Float, Order: dt.Order, Size: dt.Size / 2}
		return "[" + number(half, o, x[:dt.Size/2]) + "," + number(half, o, x[dt.Size/2:]) + "]"
	}
	return fmt.Sprintf("<%v>", dt)
}

// JSONNumbers formats JSON values the way Numbers does.
func JSONNumbers(t testing.TB, raw []json.RawMessage) []string {
	t.Helper()
	var out []string
	for _, r := range raw {
		var pair []json.Number
		if json.Unmarshal(r, &pair) == nil {
			out = append(out, "["+normal(t, pair[0])+","+normal(t, pair[1])+"]")
			continue
		}
		var n json.Number
		if err := json.Unmarshal(r, &n); err != nil {
			t.Fatal(err)
		}
		out = append(out, normal(t, n))
	}
	return out
}

// normal writes a JSON number as Numbers would: integers as they are,
// floats in their shortest form.
func normal(t testing.TB, n json.Number) string {
	t.Helper()
	if _, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return string(n)
	}
	if _, err := strconv.ParseUint(string(n), 10, 64); err == nil {
		return string(n)
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
