package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Each directory under testdata/harness/cgroup holds a host's
// /proc/self/cgroup, /proc/self/mountinfo, the v2 root's cgroup.controllers,
// and the hierarchies findCgroups must report ("want").
func TestFindCgroups(t *testing.T) {
	t.Parallel()
	dirs, err := filepath.Glob("../../testdata/harness/cgroup/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			read := func(name string) string {
				b, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			controllers := read("controllers")
			layout, err := findCgroups(strings.NewReader(read("cgroup")), strings.NewReader(read("mountinfo")),
				func(string) string { return controllers })
			if err != nil {
				t.Fatal(err)
			}
			var got strings.Builder
			for _, h := range []struct {
				name string
				h    *hierarchy
			}{{"memory", layout.Memory}, {"pids", layout.Pids}} {
				if h.h == nil {
					fmt.Fprintf(&got, "%s none\n", h.name)
				} else {
					fmt.Fprintf(&got, "%s %d %s %s\n", h.name, h.h.Version, h.h.Mount, h.h.Own)
				}
			}
			if want := read("want"); got.String() != want {
				t.Errorf("got:\n%swant:\n%s", got.String(), want)
			}
		})
	}
}

func TestUnescapeMountinfo(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`/plain`:          "/plain",
		`/a\040b`:         "/a b",
		`/tab\011x`:       "/tab\tx",
		`/back\134slash`:  `/back\slash`,
		`/short\04`:       `/short\04`,
		`/not\999octal`:   `/not\999octal`,
		`/end\`:           `/end\`,
		`/two\040\040end`: "/two  end",
	} {
		if got := unescapeMountinfo(in); got != want {
			t.Errorf("unescapeMountinfo(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOwnerPid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		pid  int
		ok   bool
	}{
		{"harness-4242-1", 4242, true},
		{"harness-4242-", 4242, true},
		{"harness-x-1", 0, false},
		{"harness-4242", 0, false},
		{"other-4242-1", 0, false},
		{"harness--1", 0, false},
	} {
		pid, ok := ownerPid(tc.name, "harness-")
		if pid != tc.pid || ok != tc.ok {
			t.Errorf("ownerPid(%q) = %d, %v; want %d, %v", tc.name, pid, ok, tc.pid, tc.ok)
		}
	}
}
