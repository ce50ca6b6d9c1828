package stage

import (
	"os"
	"strings"
	"testing"
)

func TestSeedCopiesOnlyWhatIsMissing(t *testing.T) {
	requireRoot(t)
	img, data := t.TempDir(), t.TempDir()
	writeFile(t, img+"/config/app.ini", "default")
	writeFile(t, img+"/config/themes/dark.css", "dark")
	writeFile(t, img+"/config/user.json", "{}")
	writeFile(t, data+"/config/user.json", `{"edited": true}`)
	if err := os.Chmod(img+"/config/app.ini", 0o644); err != nil {
		t.Fatal(err)
	}
	s := parseSpec(t, `
[[seed]]
from = "%[1]s/config/"
to = "%[2]s/config/"
mode = "0640"
`, img, data)
	e := newEnv(t, s)
	if err := runStage(t, e, "seed"); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, data+"/config/user.json"); got != `{"edited": true}` {
		t.Errorf("user's file overwritten: %q", got)
	}
	if uid, _, mode := stat(t, data+"/config/user.json"); uid != 0 || mode != 0o644 {
		t.Errorf("user's file owner/mode changed: %d %v", uid, mode)
	}
	for _, p := range []string{"/config/app.ini", "/config/themes/dark.css"} {
		uid, gid, mode := stat(t, data+p)
		if uid != 1000 || gid != 1000 || mode != 0o640 {
			t.Errorf("%s: %d:%d %v, want 1000:1000 0640", p, uid, gid, mode)
		}
	}
	if got := readString(t, data+"/config/themes/dark.css"); got != "dark" {
		t.Errorf("copied %q", got)
	}
	if got := partsText(e); got != "seed 3 copied" { // app.ini, themes/, dark.css
		t.Errorf("summary %q", got)
	}
	// A second start finds everything in place.
	e = newEnv(t, s)
	if err := runStage(t, e, "seed"); err != nil {
		t.Fatal(err)
	}
	if got := partsText(e); got != "seed 0 copied" {
		t.Errorf("second run: %q", got)
	}
}

func TestSeedPlan(t *testing.T) {
	img, data := t.TempDir(), t.TempDir()
	writeFile(t, img+"/a", "1")
	writeFile(t, img+"/d/b", "2")
	writeFile(t, img+"/d/c", "3")
	writeFile(t, data+"/out/d/c", "mine")
	s := parseSpec(t, "[[seed]]\nfrom = %q\nto = %q\n", img, data+"/out")
	e := newEnv(t, s)
	var plan []string
	e.DryRun, e.Plan = true, func(l string) { plan = append(plan, l) }
	if err := runStage(t, e, "seed"); err != nil {
		t.Fatal(err)
	}
	want := "seed: copy 2 missing files from " + img + " to " + data + "/out owner cloudron (1000:1000), modes from the image"
	if strings.Join(plan, "\n") != want {
		t.Errorf("plan %q\nwant %q", plan, want)
	}
	if exists(data + "/out/a") {
		t.Errorf("dry run copied")
	}
}

func TestSeedMissingSource(t *testing.T) {
	dir := t.TempDir()
	s := parseSpec(t, "[[seed]]\nfrom = %q\nto = %q\n", dir+"/nope", dir+"/to")
	err := runStage(t, newEnv(t, s), "seed")
	if err == nil || !strings.Contains(err.Error(), "seed[1]: cannot seed "+dir+"/to from "+dir+"/nope") {
		t.Errorf("err = %v", err)
	}
}
