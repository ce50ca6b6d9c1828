package spec

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// gracePeriod is how long the platform (Docker's default for `docker
// stop`) waits between SIGTERM and SIGKILL.
const gracePeriod = 10 * time.Second

// checkOrder checks the `after` graph: a cycle would hang the start and the
// ordered stop, so each cycle is an error naming its programs. Without
// cycles, the longest chain of stop waits along the stop order (the
// reverse of after; independent programs stop at the same time) is a
// warning when it is longer than the platform's grace period.
func (s *Spec) checkOrder(c *checker) {
	if cycles := s.cycles(); len(cycles) > 0 {
		for _, cyc := range cycles {
			c.errorf(joinKey("programs", cyc[0])+".after", "dependency cycle %s: remove one of these after entries",
				strings.Join(append(cyc, cyc[0]), " -> "))
		}
		return
	}
	if s.StopTimeout > gracePeriod {
		c.warnf("stop_timeout", "%v is more than the %v the platform waits before SIGKILL: what is still running then is killed",
			s.StopTimeout, gracePeriod)
	}
	// Only what an author wrote can overrun: the programs without a
	// stopwaitsecs share what is left of stop_timeout (runtime/supervise).
	chain, total := s.longestStop()
	if limit := min(s.StopTimeout, gracePeriod); total > limit && len(chain) > 0 {
		steps := make([]string, 0, len(chain))
		first := ""
		for _, n := range chain {
			if p := s.Program(n); !p.StopWaitShared {
				steps = append(steps, fmt.Sprintf("%s %v", n, p.StopWaitSecs))
				if first == "" {
					first = n
				}
			}
		}
		c.warnf(joinKey("programs", first)+".stopwaitsecs",
			"stopping can take %v (%s, in stop order), more than the %v the platform waits before SIGKILL: lower stopwaitsecs",
			total, strings.Join(steps, " then "), limit)
	}
}

// cycles returns each cycle of the after graph once, as the names along
// it starting from its smallest name.
func (s *Spec) cycles() [][]string {
	const (
		unvisited = iota
		onStack
		done
	)
	state := map[string]int{}
	var stack []string
	var out [][]string
	seen := map[string]bool{}
	var visit func(n string)
	visit = func(n string) {
		state[n] = onStack
		stack = append(stack, n)
		p := s.Program(n)
		deps := slices.Clone(p.After)
		slices.Sort(deps)
		for _, d := range deps {
			if s.Program(d) == nil {
				continue
			}
			switch state[d] {
			case unvisited:
				visit(d)
			case onStack:
				i := slices.Index(stack, d)
				cyc := rotateToMin(slices.Clone(stack[i:]))
				if key := strings.Join(cyc, " "); !seen[key] && len(cyc) > 1 {
					seen[key] = true
					out = append(out, cyc)
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
	}
	for _, p := range s.Programs {
		if state[p.Name] == unvisited {
			visit(p.Name)
		}
	}
	return out
}

func rotateToMin(c []string) []string {
	i := slices.Index(c, slices.Min(c))
	return append(c[i:], c[:i]...)
}

// longestStop returns the chain of programs, in stop order, whose stop
// waits add up to the most, and that sum. The graph must be acyclic.
func (s *Spec) longestStop() ([]string, time.Duration) {
	memo := map[string]time.Duration{}
	next := map[string]string{}
	var cost func(n string) time.Duration
	cost = func(n string) time.Duration {
		if d, ok := memo[n]; ok {
			return d
		}
		p := s.Program(n)
		var best time.Duration
		for _, d := range p.After { // n stops first, then what it came after
			if s.Program(d) == nil || d == n {
				continue
			}
			if c := cost(d); c > best || (c == best && next[n] != "" && d < next[n]) {
				best, next[n] = c, d
			}
		}
		own := p.StopWaitSecs
		if p.StopWaitShared {
			own = 0 // it takes its share of what the others leave
		}
		memo[n] = own + best
		return memo[n]
	}
	var top string
	var total time.Duration
	for _, p := range s.Programs {
		if c := cost(p.Name); c > total {
			top, total = p.Name, c
		}
	}
	var chain []string
	for n := top; n != ""; n = next[n] {
		chain = append(chain, n)
	}
	return chain, total
}
