package proc

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// Issue 14 item 8: a /proc of another PID namespace is told apart from
// ours, as PID 1 from where /proc/self points, else from NSpid when the
// kernel has it and from self/stat's pid when not; this process's own
// /proc is ours.
func TestProcProblem(t *testing.T) {
	stat := func(pid string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(pid + " (appstart) S 0 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 77 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1")}
	}
	status := func(nspid string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("Name:\tappstart\nPid:\t" + strings.Fields(nspid)[0] + "\nNSpid:\t" + nspid + "\n")}
	}
	link := func(target string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(target), Mode: fs.ModeSymlink}
	}
	for _, tc := range []struct {
		name string
		fs   fstest.MapFS
		want string // "" ours, "foreign", or "read"
	}{
		{"ours, NSpid", fstest.MapFS{"self/status": status("1"), "self/stat": stat("1"), "1/stat": stat("1")}, ""},
		{"parent namespace's, NSpid", fstest.MapFS{"self/status": status("4242\t1"), "self/stat": stat("4242"), "1/stat": stat("1")}, "foreign"},
		{"ours, no NSpid", fstest.MapFS{"self/stat": stat("1"), "1/stat": stat("1")}, ""},
		{"parent namespace's, no NSpid", fstest.MapFS{"self/stat": stat("4242"), "1/stat": stat("1")}, "foreign"},
		{"unrelated namespace's: no self", fstest.MapFS{"1/stat": stat("1"), "2/stat": stat("2")}, "foreign"},
		{"empty", fstest.MapFS{}, "read"},
		// As PID 1, the self link alone decides (no status read).
		{"ours, self link", fstest.MapFS{"self": link("1")}, ""},
		{"parent namespace's, self link", fstest.MapFS{"self": link("4242")}, "foreign"},
	} {
		got := procProblem(tc.fs, 1)
		switch {
		case tc.want == "" && got != "",
			tc.want == "foreign" && got != ForeignProcMsg,
			tc.want == "read" && !strings.Contains(got, "cannot be read"):
			t.Errorf("%s: %q, want %s", tc.name, got, tc.want)
		}
	}
	if got := procProblem(os.DirFS("/proc"), os.Getpid()); got != "" {
		t.Errorf("this process's own /proc: %q", got)
	}
}
