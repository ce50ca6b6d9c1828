package environ

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// The finder agrees with bytes.Contains on random texts over a small
// alphabet, where near misses are frequent.
func TestFinderAgreesWithContains(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(14, 6))
	word := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = "ab3%-"[rng.IntN(5)]
		}
		return b
	}
	for range 3000 {
		var pats []string
		for range 1 + rng.IntN(4) {
			pats = append(pats, string(word(3+rng.IntN(10))))
		}
		f := newFinder(pats)
		text := word(rng.IntN(200))
		want := false
		for _, p := range pats {
			want = want || bytes.Contains(text, []byte(p))
		}
		if got := f.in(text); got != want {
			t.Fatalf("patterns %q in %q: finder says %v, bytes.Contains %v", pats, text, got, want)
		}
	}
}
