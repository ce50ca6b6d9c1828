package sysx

import (
	"strings"
	"testing"
)

// TestDropTo checks the drop the way gosu's tests do: a table of targets,
// each applied in a fresh process, checked against the kernel's view in
// /proc/self/status.
func TestDropTo(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	tests := []struct {
		doc                                   string
		uid, gid                              string
		groups                                string
		wantUid, wantGid, wantGroups, wantCap string
	}{
		{"cloudron with its own group", "1000", "1000", "1000",
			"Uid: 1000 1000 1000 1000", "Gid: 1000 1000 1000 1000", "Groups: 1000", "CapEff: 0000000000000000"},
		{"extra groups (the kernel lists them sorted)", "1000", "1000", "1000 27 33",
			"Uid: 1000 1000 1000 1000", "Gid: 1000 1000 1000 1000", "Groups: 27 33 1000", "CapEff: 0000000000000000"},
		{"no groups means none, not root's", "65534", "65534", "",
			"Uid: 65534 65534 65534 65534", "Gid: 65534 65534 65534 65534", "Groups:", "CapEff: 0000000000000000"},
		{"gid differing from uid", "1000", "33", "33",
			"Uid: 1000 1000 1000 1000", "Gid: 33 33 33 33", "Groups: 33", "CapEff: 0000000000000000"},
	}
	for _, tc := range tests {
		t.Run(tc.doc, func(t *testing.T) {
			t.Parallel()
			out := runHelperProcess(t, "drop", tc.uid, tc.gid, tc.groups)
			for _, want := range []string{tc.wantUid, tc.wantGid, tc.wantGroups, tc.wantCap} {
				if !hasLine(out, want) {
					t.Errorf("status lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

// TestDropToRootKeepsCapabilities is the negative control of TestDropTo:
// the same observation shows root and a full CapEff when nothing is dropped.
func TestDropToRootKeepsCapabilities(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	out := runHelperProcess(t, "drop", "0", "0", "0")
	if !hasLine(out, "Uid: 0 0 0 0") || hasLine(out, "CapEff: 0000000000000000") {
		t.Fatalf("root drop should keep uid 0 and capabilities:\n%s", out)
	}
}

func hasLine(out, line string) bool {
	for _, l := range strings.Split(out, "\n") {
		if l == line {
			return true
		}
	}
	return false
}
