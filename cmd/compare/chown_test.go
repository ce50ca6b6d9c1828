package main

import "testing"

func TestRatioRange(t *testing.T) {
	// chown -R took 2, 3 and 1 s where appstart took 1 s each time.
	if got, want := ratioRange([]float64{2, 3, 1}, []float64{1, 1, 1}), "1.00–3.00, median 2.00"; got != want {
		t.Errorf("ratioRange = %q; want %q", got, want)
	}
	if got := ratioRange(nil, nil); got != "none" {
		t.Errorf("no pairs: %q", got)
	}
}

func TestCPUBusyReadsProcStat(t *testing.T) {
	busy, err := cpuBusy()
	if err != nil || busy <= 0 {
		t.Errorf("cpuBusy() = %v, %v; want the machine's busy time since boot", busy, err)
	}
}
