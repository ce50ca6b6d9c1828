package cgroup

import "testing"

func TestWorkers(t *testing.T) {
	t.Parallel()
	const M = 1 << 20
	for _, c := range []struct {
		limit, per int64
		min, max   int
		want       int
	}{
		{512 * M, 150 * M, 1, 8, 3},      // the official recipe
		{256 * M, 150 * M, 1, 8, 1},      // Cloudron default limit
		{256 * M, 150 * M, 2, 8, 2},      // raised to min
		{8192 * M, 150 * M, 1, 8, 8},     // capped at max
		{8192 * M, 150 * M, 1, 0, 54},    // max 0: no cap
		{100 * M, 150 * M, 0, 8, 1},      // never below 1
		{0, 150 * M, 1, 8, 1},            // no limit given: min
		{512 * M, 0, 1, 8, 8},            // free workers: max
		{512 * M, 150 * M, 6, 4, 6},      // min > max: min wins
		{1 << 62, 1, 1, 0, int(1 << 62)}, // no overflow
	} {
		if got := Workers(c.limit, c.per, c.min, c.max); got != c.want {
			t.Errorf("Workers(%d, %d, %d, %d) = %d; want %d", c.limit, c.per, c.min, c.max, got, c.want)
		}
	}
}
