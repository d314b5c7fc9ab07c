package dataset

import "strings"

// NaturalCompare compares two file names as people sort them: runs of
// digits compare as numbers, so "x_9" sorts before "x_10", and everything
// else compares byte by byte. Of two names whose numbers are equal, the one
// with fewer leading zeros comes first ("x_7" before "x_07"), so that no
// two different names compare equal. It returns -1, 0 or +1.
func NaturalCompare(a, b string) int {
	tie := 0 // the first difference in leading zeros, decided at the end
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		if !da || !db {
			// Byte by byte until the next run of digits in both.
			if a[0] != b[0] {
				if a[0] < b[0] {
					return -1
				}
				return +1
			}
			a, b = a[1:], b[1:]
			continue
		}
		na, nb := digitRun(a), digitRun(b)
		ta, tb := strings.TrimLeft(a[:na], "0"), strings.TrimLeft(b[:nb], "0")
		switch {
		case len(ta) != len(tb):
			if len(ta) < len(tb) {
				return -1
			}
			return +1
		case ta != tb:
			if ta < tb {
				return -1
			}
			return +1
		case tie == 0 && na != nb:
			if na < nb {
				tie = -1
			} else {
				tie = +1
			}
		}
		a, b = a[na:], b[nb:]
	}
	switch {
	case a == "" && b != "":
		return -1
	case a != "" && b == "":
		return +1
	}
	return tie
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digitRun returns the length of the run of digits at the start of s.
func digitRun(s string) int {
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	return n
}
