package spec

// The variables appstart itself sets. The memory ones come from the
// workers stage with or without a [workers] table, so a JVM's
// -XX:MaxRAM=${APPSTART_MEMORY_LIMIT} needs no sizing of its own; the
// program ones are set in each program's environment.
const (
	MemoryLimitVar       = "APPSTART_MEMORY_LIMIT"         // bytes of RAM
	MemoryLimitMBVar     = "APPSTART_MEMORY_LIMIT_MB"      // MiB of RAM
	MemorySwapLimitMBVar = "APPSTART_MEMORY_SWAP_LIMIT_MB" // MiB of RAM+swap
	InstanceVar          = "APPSTART_INSTANCE"             // 1..N, in each program
)

// Produced maps every variable a stage sets to the key that makes it:
// each secret's name, the worker count, and the memory limits. [env]
// entries that use one of them are composed once that stage has run
// (see DeferredEnv), and check counts them as set.
//
//	s.Produced() // {"APP_SECRET": "secrets[1]", "WORKERS": "workers", "APPSTART_MEMORY_LIMIT_MB": "workers", ...}
func (s *Spec) Produced() map[string]string {
	m := map[string]string{MemoryLimitVar: "workers", MemoryLimitMBVar: "workers", MemorySwapLimitMBVar: "workers"}
	for i, sec := range s.Secrets {
		m[sec.Name] = indexKey("secrets", i+1)
	}
	if s.Workers != nil {
		m[s.Workers.Name] = "workers"
	}
	return m
}

// DeferredEnv splits [env] into the entries composed at the start of the
// stages and those that use, directly or through another [env] entry, a
// variable a later stage produces: those are composed right after the
// workers stage, in written order, so `URL = "x://${APP_SECRET}"` works.
// refs returns the ${VAR} names one value uses.
func (s *Spec) DeferredEnv(refs func(string) []string) (now, later []Pair) {
	produced := s.Produced()
	late := map[string]bool{}
	// To a fixed point: an entry may use one written after it.
	for changed := true; changed; {
		changed = false
		for _, p := range s.Env {
			for _, r := range refs(p.Value) {
				if _, ok := produced[r]; (ok || late[r]) && !late[p.Name] {
					late[p.Name], changed = true, true
				}
			}
		}
	}
	for _, p := range s.Env {
		if late[p.Name] {
			later = append(later, p)
		} else {
			now = append(now, p)
		}
	}
	return now, later
}
