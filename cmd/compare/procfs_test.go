package main

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// fakeProc is a /proc with PID 1 (two threads, each with children), a
// sleep with a child of its own, a zombie, and a comm with ") (" in it.
func fakeProc() procFS {
	stat := func(pid, comm, state string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(pid + " (" + comm + ") " + state + " 1 1 1 0 -1\n")}
	}
	return procFS{fstest.MapFS{
		"1/stat":              stat("1", "appstart", "S"),
		"1/status":            {Data: []byte("Name:\tappstart\nVmPeak:\t 9000 kB\nVmRSS:\t    2896 kB\nThreads:\t2\n")},
		"1/task/1/children":   {Data: []byte("10 11 ")},
		"1/task/2/children":   {Data: []byte("12")},
		"10/stat":             stat("10", "sleep", "S"),
		"10/task/10/children": {Data: []byte("20")},
		"11/stat":             stat("11", "true", "Z"),
		"11/task/11/children": {Data: []byte("")},
		"12/stat":             stat("12", "a) (b", "R"),
		"12/task/12/children": {Data: []byte("")},
		"20/stat":             stat("20", "sleep", "S"),
		"20/task/20/children": {Data: []byte("")},
		"30/stat":             stat("30", "helper", "Z"),
		"30/task/30/children": {Data: []byte("")},
		"30/task/31/children": {Data: []byte("99")},
		"40/stat":             stat("40", "helper", "Z"),
		"40/task/40/children": {Data: []byte("")},
		"2/status":            {Data: []byte("Name:\tkthreadd\nThreads:\t1\n")},
	}}
}

func TestChildrenSpansThreads(t *testing.T) {
	t.Parallel()
	got, err := fakeProc().children(1)
	if err != nil || !reflect.DeepEqual(got, []int{10, 11, 12}) {
		t.Fatalf("children(1) = %v, %v; want [10 11 12] from both threads", got, err)
	}
	if _, err := fakeProc().children(999); err == nil {
		t.Error("children of a missing pid: no error")
	}
}

func TestStatCommWithParens(t *testing.T) {
	t.Parallel()
	got, err := fakeProc().stat(12)
	if err != nil || got != (proc{Pid: 12, Comm: "a) (b", State: 'R'}) {
		t.Fatalf("stat(12) = %+v, %v", got, err)
	}
}

func TestDescendantsAndCounts(t *testing.T) {
	t.Parallel()
	p := fakeProc()
	ds, err := p.descendants(1)
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, d := range ds {
		pids = append(pids, d.Pid)
	}
	if !reflect.DeepEqual(pids, []int{10, 11, 12, 20}) {
		t.Errorf("descendants(1) = %v, want [10 11 12 20] (grandchild included)", pids)
	}
	if n := countComm(ds, "sleep"); n != 2 {
		t.Errorf("countComm(sleep) = %d, want 2", n)
	}
	if n := countComm(ds, "true"); n != 0 {
		t.Errorf("countComm(true) = %d, want 0: a zombie does not run", n)
	}
	if n, err := p.zombieChildren(1); n != 1 || err != nil {
		t.Errorf("zombieChildren(1) = %d, %v; want 1", n, err)
	}
}

func TestVmRSS(t *testing.T) {
	t.Parallel()
	got, err := fakeProc().vmRSS(1)
	if err != nil || got != 2896<<10 {
		t.Fatalf("vmRSS(1) = %d, %v; want %d", got, err, 2896<<10)
	}
	if _, err := fakeProc().vmRSS(2); err == nil || !strings.Contains(err.Error(), "cannot find VmRSS") {
		t.Errorf("vmRSS of a kernel thread: err = %v", err)
	}
}

// A zombie leader whose other thread still lives has not handed its
// children over yet; a lone zombie leader, or a reaped pid, has.
func TestExited(t *testing.T) {
	t.Parallel()
	p := fakeProc()
	for pid, want := range map[int]bool{10: false, 30: false, 40: true, 999: true} {
		if got := p.exited(pid); got != want {
			t.Errorf("exited(%d) = %v, want %v", pid, got, want)
		}
	}
}

// A child a Go init has forked but not yet exec'd bears the init's name;
// only its arguments tell the doublefork helper apart (CI once took the
// no-reap init's pre-exec child for the helper).
func TestHasArgTellsTheHelperFromAPreExecChild(t *testing.T) {
	t.Parallel()
	p := procFS{fstest.MapFS{
		"5/cmdline": {Data: []byte("/h\x00__compare-helper\x00noreap\x00/bin/sh\x00-c\x00x doublefork y\x00")},
		"6/cmdline": {Data: []byte("/h\x00__compare-helper\x00doublefork\x0010\x00")},
	}}
	if p.hasArg(5, "doublefork") {
		t.Error("the no-reap init's child matched: only a whole argument counts")
	}
	if !p.hasArg(6, "doublefork") {
		t.Error("the doublefork helper did not match")
	}
	if p.hasArg(7, "doublefork") {
		t.Error("a gone pid matched")
	}
}
