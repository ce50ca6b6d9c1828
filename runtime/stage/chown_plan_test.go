package stage

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// The plan's chown count is the run's: a file with another hard link (to a
// root-owned file outside the tree), which the run leaves alone, is not
// counted as one that would change, and the plan says why.
func TestChownPlanCountsAsTheRunChanges(t *testing.T) {
	requireRoot(t)
	dir, outside := t.TempDir(), t.TempDir()
	writeFile(t, dir+"/data/a", "1")
	writeFile(t, dir+"/data/sub/b", "2")
	writeFile(t, outside+"/secret", "x")
	if err := os.Link(outside+"/secret", dir+"/data/sub/secret"); err != nil {
		t.Fatal(err)
	}
	s := parseSpec(t, `
[[chown]]
path = "%[1]s/data"
`, dir)
	e := newEnv(t, s)
	var plan []string
	e.DryRun, e.Plan = true, func(l string) { plan = append(plan, l) }
	if err := runStage(t, e, "chown"); err != nil {
		t.Fatal(err)
	}
	e = newEnv(t, s)
	if err := runStage(t, e, "chown"); err != nil {
		t.Fatal(err)
	}
	// data, a, sub, sub/b change; sub/secret is left alone.
	if got := partsText(e); !strings.HasPrefix(got, "chown 4/5 changed in ") {
		t.Fatalf("run: %q; want 4 of 5 changed", got)
	}
	want := fmt.Sprintf("chown: chown %[1]s/data to cloudron (1000:1000): 4 of 5 entries would change; "+
		"1 file(s) with other hard links would be left alone, e.g. %[1]s/data/sub/secret", dir)
	if got := strings.Join(plan, "\n"); got != want {
		t.Errorf("plan:\n%s\nwant:\n%s", got, want)
	}
}
