package cgroup

// Workers sizes a worker pool from a memory limit: limit / perWorker,
// clamped to [min, max], the rule of Cloudron's official start scripts
// (MB/150 clamped to 1..8, reference/cloudron-packages.md 6.5).
//
// The caller picks limit: the cgroup's RAM limit, or the spec's `unlimited`
// size or the machine's memory when the cgroup has none. A perWorker <= 0
// means workers cost nothing, so the count is max. A max <= 0 means no upper
// bound. When min > max, min wins (the spec validates that it cannot
// happen). The result is never below 1.
//
//	Workers(512<<20, 150<<20, 1, 8) // 3
//	Workers(256<<20, 150<<20, 2, 8) // 2 (1 raised to min)
//	Workers(8<<30, 150<<20, 1, 8)   // 8 (54 capped at max)
func Workers(limit, perWorker int64, min, max int) int {
	var n int64
	switch {
	case perWorker <= 0:
		n = int64(max)
	case limit > 0:
		n = limit / perWorker
	}
	if max > 0 && n > int64(max) {
		n = int64(max)
	}
	if n < int64(min) {
		n = int64(min)
	}
	if n < 1 {
		n = 1
	}
	return int(n)
}
