package proc

import (
	"fmt"
	"io/fs"
	"strings"
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

// With the kernel's children files the walk reads only the processes below
// root: the stranger's stat is unreadable here and must not be needed, and
// a child listed under a second thread (an adopted orphan) is found.
func TestDescendantsWalksChildrenFiles(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"10/stat":             {Data: []byte(stat(10, "appstart", 'S', 1, 1))},
		"10/task/10/children": {Data: []byte("11 ")},
		"10/task/15/children": {Data: []byte("12 ")},
		"11/stat":             {Data: []byte(stat(11, "nginx", 'S', 10, 2))},
		"11/task/11/children": {Data: []byte("13 ")},
		"12/stat":             {Data: []byte(stat(12, "sh", 'Z', 10, 3))},
		"12/task/12/children": {Data: []byte("")},
		"13/stat":             {Data: []byte(stat(13, "worker", 'S', 11, 4))},
		"13/task/13/children": {Data: []byte("")},
		"20/stat":             {Data: []byte("garbage")},
		"20/task/20/children": {Data: []byte("10 ")},
	}
	counted := &statCounter{FS: fsys}
	got, err := descendants(counted, 10)
	if err != nil {
		t.Fatal(err)
	}
	if counted.stats != 3 {
		t.Errorf("read %d stat files, want the 3 below root only", counted.stats)
	}
	var pids []int
	for _, p := range got {
		pids = append(pids, p.Pid)
	}
	if fmt.Sprint(pids) != "[11 12 13]" {
		t.Fatalf("got pids %v, want [11 12 13]", pids)
	}
	// A kernel without children files: the scan of every process.
	delete(fsys, "10/task/10/children")
	delete(fsys, "10/task/15/children")
	fsys["20/stat"] = &fstest.MapFile{Data: []byte(stat(20, "other", 'S', 1, 5))}
	if got, err := descendants(fsys, 10); err != nil || len(got) != 3 {
		t.Fatalf("scan: %+v, %v", got, err)
	}
}

func TestAlone(t *testing.T) {
	t.Parallel()
	only := fstest.MapFS{"1/stat": {Data: []byte("x")}, "self/stat": {Data: []byte("x")}, "sys/x": {}}
	if !alone(only, 1) {
		t.Error("a /proc with only PID 1 is not alone")
	}
	only["7/stat"] = &fstest.MapFile{Data: []byte("x")}
	if alone(only, 1) {
		t.Error("a /proc with PID 7 is alone")
	}
}

// statCounter counts the stat files read through it.
type statCounter struct {
	fs.FS
	stats int
}

func (c *statCounter) Open(name string) (fs.File, error) {
	if strings.HasSuffix(name, "/stat") {
		c.stats++
	}
	return c.FS.Open(name)
}
