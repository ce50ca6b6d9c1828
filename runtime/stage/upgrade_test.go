package stage

import (
	"strings"
	"testing"

	"appstart/runtime/proc"
)

func TestOnUpgrade(t *testing.T) {
	requireRoot(t)
	for _, c := range []struct {
		name      string
		recorded  string // "" = no marker
		firstRan  bool
		wantRun   bool
		wantOld   string
		wantAfter string
	}{
		{name: "same version", recorded: "1.2.0", wantAfter: "1.2.0\n"},
		{name: "upgrade", recorded: "1.1.0", wantRun: true, wantOld: "1.1.0", wantAfter: "1.2.0\n"},
		{name: "fresh install", firstRan: true, wantAfter: "1.2.0\n"},
		{name: "data from before appstart", wantRun: true, wantOld: "", wantAfter: "1.2.0\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir+"/CloudronManifest.json", `{"id": "io.example", "version": "1.2.0"}`)
			if c.recorded != "" {
				writeFile(t, dir+"/version", c.recorded+"\n")
			}
			s := parseSpec(t, "[on_upgrade]\nmarker = %q\ncommands = [[\"migrate\"]]\n", dir+"/version")
			r := &fakeRunner{}
			e := newEnv(t, s)
			e.Runner, e.Manifest, e.firstRan = r, dir+"/CloudronManifest.json", c.firstRan
			if err := runStage(t, e, "on_upgrade"); err != nil {
				t.Fatal(err)
			}
			if ran := len(r.cmds) == 1; ran != c.wantRun {
				t.Fatalf("ran %v, want %v", r.argvs(), c.wantRun)
			}
			if c.wantRun {
				old, ok := envOf(r.cmds[0], "APPSTART_OLD_VERSION")
				nw, _ := envOf(r.cmds[0], "APPSTART_NEW_VERSION")
				if !ok || old != c.wantOld || nw != "1.2.0" {
					t.Errorf("OLD=%q (%v) NEW=%q", old, ok, nw)
				}
			}
			if got := readString(t, dir+"/version"); got != c.wantAfter {
				t.Errorf("recorded %q", got)
			}
		})
	}
}

func TestOnUpgradeFailureKeepsOldVersion(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/version", "1\n")
	s := parseSpec(t, "[on_upgrade]\nversion = \"${APP_VERSION}-r${REV:-0}\"\nmarker = %q\ncommands = [[\"migrate\"], [\"never\"]]\n", dir+"/version")
	r := &fakeRunner{fn: func(c proc.Cmd) (proc.Exit, error) { return proc.Exit{Code: 2}, nil }}
	e := newEnv(t, s, "APP_VERSION=2")
	e.Runner = r
	err := runStage(t, e, "on_upgrade")
	if err == nil || !strings.Contains(err.Error(), "on_upgrade command 1 `migrate` (as cloudron) exited 2") {
		t.Fatalf("err = %v", err)
	}
	if got := readString(t, dir+"/version"); got != "1\n" {
		t.Errorf("recorded %q after a failure", got)
	}
	if nw, _ := envOf(r.cmds[0], "APPSTART_NEW_VERSION"); nw != "2-r0" || len(r.cmds) != 1 {
		t.Errorf("NEW=%q, ran %v", nw, r.argvs())
	}
}

func TestOnUpgradeVersionErrors(t *testing.T) {
	dir := t.TempDir()
	s := parseSpec(t, "[on_upgrade]\nmarker = %q\ncommands = [[\"migrate\"]]\n", dir+"/version")
	e := newEnv(t, s)
	e.Runner, e.Manifest = &fakeRunner{}, dir+"/none.json"
	err := runStage(t, e, "on_upgrade")
	if err == nil || !strings.Contains(err.Error(), "cannot read the package version from "+dir+"/none.json") {
		t.Errorf("err = %v", err)
	}
	writeFile(t, dir+"/m.json", `{"id": "x"}`)
	e.Manifest = dir + "/m.json"
	err = runStage(t, e, "on_upgrade")
	if err == nil || !strings.Contains(err.Error(), `no "version"`) {
		t.Errorf("err = %v", err)
	}
}
