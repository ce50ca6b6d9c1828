package spec

import "time"

// HealthCheck is a program's healthcheck table: exactly one of HTTP, TCP
// and Command, checked every Interval once the program is ready; Retries
// failures in a row make it unhealthy (then on_unhealthy applies).
//
//	healthcheck = { http = "http://127.0.0.1:3000/", retries = 3 }
//	// HealthCheck{HTTP: "http://127.0.0.1:3000/", Interval: 10 * time.Second,
//	//             Timeout: 3 * time.Second, Retries: 3}
type HealthCheck struct {
	HTTP        string // a URL, GET below 400 passes
	TCP         string // "host:port", a connection passes
	Command     Command
	Interval    time.Duration
	Timeout     time.Duration
	Retries     int
	StartPeriod time.Duration
}

// Probe returns the check as a Probe.
func (h *HealthCheck) Probe() Probe {
	switch {
	case h.HTTP != "":
		return Probe{Kind: ProbeHTTP, Target: h.HTTP}
	case h.TCP != "":
		return Probe{Kind: ProbeTCP, Target: h.TCP}
	}
	return Probe{Kind: ProbeCommand, Command: h.Command}
}

func (h *HealthCheck) check(c *checker, at string) {
	var set []string
	for _, k := range []string{"http", "tcp", "command"} {
		if c.written[at+"."+k] {
			set = append(set, k)
		}
	}
	switch {
	case len(set) == 0:
		c.errorf(at, `no check: add one of http = "http://127.0.0.1:3000/", tcp = "127.0.0.1:3000" or command = [...]`)
	case len(set) > 1:
		c.errorf(at+"."+set[1], "a healthcheck has one check, but this one has %s and %s: keep one", set[0], set[1])
	}
	if h.Interval == 0 && c.given(at+".interval") {
		c.errorf(at+".interval", `must be more than 0: write e.g. "10s"`)
	}
	if h.Timeout > h.Interval && h.Interval > 0 {
		c.warnf(at+".timeout", "longer than interval (%v): checks would overlap; lower timeout", h.Interval)
	}
}
