package stage

import (
	"strings"
	"testing"
)

// Issue 15 item 5, XWiki's order: an upgrade step rebuilds a tree the
// templates write into, so the templates are rendered again after it; the
// control without render_templates shows the start would keep the
// distribution's file until the next start. The upstream version is read
// from a file, keyed apart from the package version, and recorded.
func TestUpgradeRebuildThenRenderTemplates(t *testing.T) {
	requireRoot(t)
	for _, render := range []bool{true, false} {
		dir := userDir(t)
		writeFile(t, dir+"/VERSION", "16.4.1\n")
		writeFile(t, dir+"/.upstream-version", "16.3.0\n")
		writeFile(t, dir+"/xwiki.cfg.template", "xwiki.db=##DB\n")
		s := parseSpec(t, `
[env]
DB = "postgres"
[[templates]]
source = "%[1]s/xwiki.cfg.template"
target = "%[1]s/webapp/WEB-INF/xwiki.cfg"
[[upgrade]]
version_file = "%[1]s/VERSION"
marker = "%[1]s/.upstream-version"
commands = [["sh", "-c", "echo \"$APPSTART_OLD_VERSION $APPSTART_NEW_VERSION\" > %[1]s/log; rm -rf %[1]s/webapp; mkdir -p %[1]s/webapp/WEB-INF; echo distribution > %[1]s/webapp/WEB-INF/xwiki.cfg"]]
render_templates = %[2]v
`, dir, render)
		e := newEnv(t, s)
		e.Runner = testReaper(t)
		for _, st := range []string{"env", "templates", "on_upgrade"} {
			if err := runStage(t, e, st); err != nil {
				t.Fatalf("%s: %v", st, err)
			}
		}
		want := "distribution\n"
		if render {
			want = "xwiki.db=postgres\n"
		}
		if got := readString(t, dir+"/webapp/WEB-INF/xwiki.cfg"); got != want {
			t.Errorf("render_templates=%v: xwiki.cfg = %q, want %q", render, got, want)
		}
		if got := readString(t, dir+"/log"); got != "16.3.0 16.4.1\n" {
			t.Errorf("the step saw %q", got)
		}
		if got := readString(t, dir+"/.upstream-version"); got != "16.4.1\n" {
			t.Errorf("marker %q", got)
		}
	}
}

// Issue 15 item 5, Windmill's guard: the bundled PostgreSQL's major
// version against the cluster's PG_VERSION (written by postgres, only
// read): another major stops the start with the package's message; the
// same major, or no cluster yet, goes on.
func TestUpgradeRefuseGuard(t *testing.T) {
	dir := t.TempDir()
	spec := `
[[upgrade]]
version = "%[2]s"
data_version_file = "%[1]s/PG_VERSION"
compare = "major"
refuse = "the data is from another PostgreSQL major version: restore a backup made with this package"
`
	run := func(bundled string) error {
		e := newEnv(t, parseSpec(t, spec, dir, bundled))
		e.Runner = &fakeRunner{}
		return runStage(t, e, "on_upgrade")
	}
	if err := run("16"); err != nil {
		t.Fatalf("no cluster yet: %v", err)
	}
	writeFile(t, dir+"/PG_VERSION", "15\n")
	err := run("16")
	if err == nil || !strings.Contains(err.Error(), "upgrade[1]: the data is from another PostgreSQL major version: restore a backup made with this package: the data is at 15 ("+dir+"/PG_VERSION), this image at 16") {
		t.Errorf("another major: %v", err)
	}
	for _, v := range []string{"15", "15.6", "v15.2"} {
		if err := run(v); err != nil {
			t.Errorf("bundled %s on a 15 cluster: %v", v, err)
		}
	}
}

func TestMajor(t *testing.T) {
	for in, want := range map[string]string{"15": "15", "15.4": "15", "v016.1": "16", "beta": "beta", " 9.6 ": "9"} {
		if got := major(in); got != want {
			t.Errorf("major(%q) = %q, want %q", in, got, want)
		}
	}
}

// An absent marker is on_upgrade's case: recorded without running after a
// first_run in this start, else the commands run (data from before the
// step existed) with an empty old version.
func TestUpgradeAbsentMarker(t *testing.T) {
	dir := t.TempDir()
	s := parseSpec(t, "[[upgrade]]\nversion = \"2\"\nmarker = %q\ncommands = [[\"migrate\"]]\n", dir+"/.v")
	for _, firstRan := range []bool{true, false} {
		e := newEnv(t, s)
		r := &fakeRunner{}
		e.Runner, e.firstRan = r, firstRan
		if err := runStage(t, e, "on_upgrade"); err != nil {
			t.Fatal(err)
		}
		if ran := len(r.argvs()) == 1; ran == firstRan {
			t.Errorf("firstRan %v: ran %q", firstRan, r.argvs())
		}
		if got := readString(t, dir+"/.v"); got != "2\n" {
			t.Errorf("marker %q", got)
		}
		if !firstRan {
			if v, _ := envOf(r.cmds[0], OldVersionVar); v != "" {
				t.Errorf("OLD=%q", v)
			}
		}
		writeFile(t, dir+"/.v", "")
		if err := removeEntry(dir + "/.v"); err != nil {
			t.Fatal(err)
		}
	}
}
