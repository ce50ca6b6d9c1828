package proc

import (
	"testing"
	"testing/fstest"
)

func stat(pid int, comm string, state byte, ppid int, start int) string {
	// 52 fields as in proc(5); only 1-4 and 22 matter here.
	s := itoa(pid) + " (" + comm + ") " + string(state) + " " + itoa(ppid)
	for f := 5; f <= 52; f++ {
		if f == 22 {
			s += " " + itoa(start)
		} else {
			s += " 0"
		}
	}
	return s + "\n"
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func TestParseStat(t *testing.T) {
	t.Parallel()
	got, err := parseStat([]byte(stat(42, "my (odd) ) name", 'Z', 7, 1234)))
	want := procStat{Pid: 42, PPid: 7, State: 'Z', Start: 1234}
	if err != nil || got != want {
		t.Fatalf("got %+v, %v; want %+v", got, err, want)
	}
	for _, bad := range []string{"", "42 no comm", "42 (sh) S", "x (sh) S 1" + stat(1, "a", 'S', 0, 0)[10:]} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q) accepted", bad)
		}
	}
}

func TestDescendants(t *testing.T) {
	t.Parallel()
	// 10 is us; 11, 12 our children; 13 a grandchild; 20 a stranger;
	// "self" and "sys" are not processes.
	fsys := fstest.MapFS{
		"10/stat":   {Data: []byte(stat(10, "appstart", 'S', 1, 1))},
		"11/stat":   {Data: []byte(stat(11, "nginx", 'S', 10, 2))},
		"12/stat":   {Data: []byte(stat(12, "sh", 'Z', 10, 3))},
		"13/stat":   {Data: []byte(stat(13, "worker", 'S', 11, 4))},
		"20/stat":   {Data: []byte(stat(20, "other", 'S', 1, 5))},
		"sys/x":     {Data: []byte("")},
		"self/stat": {Data: []byte(stat(10, "appstart", 'S', 1, 1))},
	}
	got, err := descendants(fsys, 10)
	if err != nil {
		t.Fatal(err)
	}
	pids := map[int]bool{}
	for _, p := range got {
		pids[p.Pid] = true
	}
	if len(got) != 3 || !pids[11] || !pids[12] || !pids[13] {
		t.Fatalf("got %+v, want pids 11, 12, 13", got)
	}
}
