package spec

// Workers is the [workers] table: a worker count sized from the cgroup
// memory limit, clamp(limit / PerWorker, Min, Max), exported as Name.
//
//	[workers]
//	per_worker = "150M"   // Workers{Name: "WORKERS", PerWorker: 157286400, Min: 1, Max: 8,
//	max = 8               //         Unlimited: 2147483648}
type Workers struct {
	Name      string
	PerWorker int64 // bytes
	Min       int
	// Max is the most workers; 0 means no maximum.
	Max int
	// Unlimited is the memory assumed when the cgroup sets no limit
	// (bytes).
	Unlimited int64
}

func (w *Workers) check(c *checker, at string) {
	if w.Max != 0 && w.Min > w.Max {
		c.errorf(at+".max", "max %d is less than min %d: raise max or lower min", w.Max, w.Min)
	}
	if w.PerWorker > 0 && w.Unlimited > 0 && w.Unlimited < w.PerWorker {
		c.warnf(at+".unlimited", "less than per_worker, so without a memory limit the count is always min (%d)", w.Min)
	}
}
