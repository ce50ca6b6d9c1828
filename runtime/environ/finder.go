package environ

import "bytes"

// finder tells quickly whether any of a set of patterns occurs in a text,
// for masking the programs' output as it streams: one bytes.Contains per
// pattern costs a pass over the text each (230 MB/s for the 17 forms of 7
// secrets), this is one pass whatever their number. It is Wu and Manber's
// shift table over 3-byte blocks: a window of the shortest pattern's
// length slides along the text, as far as its last block allows (a block
// found in no pattern skips all but its last two bytes), and only a window
// ending in a block that ends some pattern's prefix is compared with the
// patterns. 3-byte blocks, hashed by a multiply: with 2 bytes, or a hash
// by shifts, the digits and punctuation common in logs matched too many of
// the secrets' blocks. For 7 secrets in web server logs a window moves 14
// bytes a step, and a step is a chain of dependent loads (~6 ns): ~2 GB/s.
type finder struct {
	m     int // window: the shortest pattern's length, at most maxWindow
	shift [1 << 12]uint8
	pats  [][]byte
}

const maxWindow = 64

// block hashes the 3 bytes ending at b[i] into the table (Fibonacci
// hashing: the top 12 bits of the product).
func block(b []byte, i int) int {
	return int((uint32(b[i-2])<<16 | uint32(b[i-1])<<8 | uint32(b[i])) * 2654435761 >> 20)
}

// newFinder needs patterns of at least 3 bytes (masked ones have 8).
func newFinder(pats []string) *finder {
	f := &finder{m: maxWindow}
	for _, p := range pats {
		f.m = min(f.m, len(p))
		f.pats = append(f.pats, []byte(p))
	}
	for i := range f.shift {
		f.shift[i] = uint8(f.m - 2)
	}
	for _, p := range f.pats {
		for j := 2; j < f.m; j++ {
			h := block(p, j)
			f.shift[h] = min(f.shift[h], uint8(f.m-1-j))
		}
	}
	return f
}

// in reports whether some pattern occurs in b.
func (f *finder) in(b []byte) bool {
	if f.m < 3 { // not from NewMasker, whose patterns have MinMaskLen bytes
		for _, p := range f.pats {
			if bytes.Contains(b, p) {
				return true
			}
		}
		return false
	}
	for pos := f.m - 1; pos < len(b); {
		if s := f.shift[block(b, pos)]; s > 0 {
			pos += int(s)
			continue
		}
		start := pos - f.m + 1
		for _, p := range f.pats {
			if bytes.HasPrefix(b[start:], p) {
				return true
			}
		}
		pos++
	}
	return false
}
