package stage

import (
	"os"
	"strings"
	"testing"
)

func TestChownNestedEntries(t *testing.T) {
	requireRoot(t)
	dir, outside := t.TempDir(), t.TempDir()
	writeFile(t, dir+"/data/a", "1")
	writeFile(t, dir+"/data/sub/b", "2")
	writeFile(t, dir+"/data/pg/base/1", "3")
	writeFile(t, outside+"/secret", "x")
	if err := os.Symlink(outside+"/secret", dir+"/data/link"); err != nil {
		t.Fatal(err)
	}
	s := parseSpec(t, `
[[chown]]
path = "%[1]s/data"
[[chown]]
path = "%[1]s/data/pg"
owner = "postgres"
`, dir)
	e := newEnv(t, s)
	var plan []string
	e.DryRun, e.Plan = true, func(l string) { plan = append(plan, l) }
	if err := runStage(t, e, "chown"); err != nil {
		t.Fatal(err)
	}
	wantPlan := "chown: chown " + dir + "/data to cloudron (1000:1000) except " + dir + "/data/pg: 5 of 5 entries would change\n" +
		"chown: chown " + dir + "/data/pg to postgres (104:107): 3 of 3 entries would change"
	if got := strings.Join(plan, "\n"); got != wantPlan {
		t.Errorf("plan:\n%s\nwant:\n%s", got, wantPlan)
	}
	if uid, _, _ := stat(t, dir+"/data/a"); uid != 0 {
		t.Fatalf("dry run changed an owner")
	}

	e = newEnv(t, s)
	if err := runStage(t, e, "chown"); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]int{"/data": 1000, "/data/a": 1000, "/data/sub/b": 1000, "/data/link": 1000,
		"/data/pg": 104, "/data/pg/base/1": 104} {
		if uid, _, _ := stat(t, dir+p); uid != want {
			t.Errorf("%s owned by %d, want %d", p, uid, want)
		}
	}
	if uid, _, _ := stat(t, outside+"/secret"); uid != 0 {
		t.Errorf("chown followed a symlink out of the tree")
	}
	if got := partsText(e); !strings.HasPrefix(got, "chown 8/8 changed in ") {
		t.Errorf("summary %q", got)
	}
	// A restart: nothing flips back and forth.
	e = newEnv(t, s)
	if err := runStage(t, e, "chown"); err != nil {
		t.Fatal(err)
	}
	if got := partsText(e); !strings.HasPrefix(got, "chown 0/8 changed in ") {
		t.Errorf("second start: %q", got)
	}
}
