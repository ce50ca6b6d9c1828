package main

import (
	"testing"
	"time"
)

// The start-to-exec cell: against true run directly, the init's own CPU
// (the run's less the direct run's), and for appstart its distance from
// go-floor in time and as a ratio.
func TestLatencyCell(t *testing.T) {
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	direct := latencyRun{wall: ms(2.14), cpu: ms(1.50)}
	floor := latencyRun{wall: ms(4.53), cpu: ms(3.50)}
	appstart := latencyRun{wall: ms(5.75), cpu: ms(4.60)}
	for _, c := range []struct {
		name    string
		run, vs latencyRun
		want    string
	}{
		{"appstart beside go-floor", appstart, floor,
			"2.69× (5.75 ms vs 2.14 ms), init CPU 3.10 ms; go-floor +1.22 ms (1.27×), its init CPU 2.00 ms"},
		{"a peer", floor, latencyRun{}, "2.12× (4.53 ms vs 2.14 ms), init CPU 2.00 ms"},
	} {
		if got := latencyCell(c.run, direct, c.vs); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}
