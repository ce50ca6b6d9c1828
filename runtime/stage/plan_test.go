package stage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// treeState lists every entry under dir with owner, mode, size and mtime.
func treeState(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return nil
		}
		st := fi.Sys().(*syscall.Stat_t)
		fmt.Fprintf(&b, "%s %d:%d %v %d %d\n", p, st.Uid, st.Gid, fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
	return b.String()
}

const planSpec = `
remove = ["%[1]s/run/*.pid"]
[env]
DB_URL = "postgres://app:${DB_PASSWORD|url}@db/app"
[[dirs]]
path = "%[1]s/run/app"
[[seed]]
from = "%[2]s/defaults"
to = "%[1]s/data/defaults"
[[secrets]]
name = "APP_SECRET"
file = "%[1]s/data/.app_secret"
[workers]
per_worker = "100M"
[[templates]]
source = "%[2]s/t"
target = "%[1]s/run/app/config"
[[patch]]
file = "%[1]s/data/user.ini"
set = { "app.secret" = "${APP_SECRET}" }
[[chown]]
path = "%[1]s/data"
[first_run]
marker = "%[1]s/data/.initialized"
commands = [["install"]]
[on_upgrade]
version = "2"
marker = "%[1]s/data/.version"
commands = [["migrate"]]
[[on_start]]
command = ["warm-cache"]
`

// Plan mode reports something for every stage and changes nothing at all:
// no file, owner, mode or time under the root, and no command run.
func TestPlanChangesNothing(t *testing.T) {
	requireRoot(t)
	root, img := t.TempDir(), t.TempDir()
	writeFile(t, img+"/defaults/a", "a")
	writeFile(t, img+"/t", "url=##DB_URL secret=##APP_SECRET workers=##WORKERS\n")
	writeFile(t, root+"/run/old.pid", "1")
	writeFile(t, root+"/data/user.ini", "[user]\nx = 1\n")
	before := treeState(t, root)
	s := parseSpec(t, planSpec, root, img)
	r := &fakeRunner{}
	e := newEnv(t, s, "DB_PASSWORD=hunter2hunter2")
	e.Runner = r
	var plan []string
	e.DryRun, e.Plan = true, func(l string) { plan = append(plan, l) }
	if _, err := Run(context.Background(), e, ""); err != nil {
		t.Fatal(err)
	}
	if after := treeState(t, root); after != before {
		t.Errorf("plan changed the tree:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if len(r.cmds) != 0 {
		t.Errorf("plan ran %v", r.argvs())
	}
	text := strings.Join(plan, "\n")
	if strings.Contains(text, "hunter2") {
		t.Errorf("plan shows a secret")
	}
	for _, want := range []string{
		"env: DB_URL=postgres://app:****@db/app (env.DB_URL)",
		"dirs: remove " + root + "/run/old.pid",
		"dirs: create " + root + "/run/app owner cloudron (1000:1000) mode 0755",
		"seed: copy 1 missing files from " + img + "/defaults to " + root + "/data/defaults",
		"secrets: APP_SECRET: generate 32 random bytes, hex, to " + root + "/data/.app_secret owner cloudron (1000:1000) mode 0600",
		"workers: WORKERS=2",
		"templates: render " + img + "/t to " + root + "/run/app/config owner cloudron (1000:1000) mode 0640",
		"templates: patch " + root + "/data/user.ini (ini, owner 0:0 mode 0644): app.secret",
		"chown: chown " + root + "/data to cloudron (1000:1000): 2 of 2 entries would change",
		"first_run: run first_run command 1 `install` as cloudron",
		"on_upgrade: fresh install: record version 2",
		"on_start: run on_start[1] `warm-cache` as cloudron",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("plan lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("plan:\n%s", text)
	}
}

// `appstart task` loads the environment and existing secrets and creates
// nothing.
func TestReadOnlyUntilWorkers(t *testing.T) {
	root, img := t.TempDir(), t.TempDir()
	writeFile(t, img+"/defaults/a", "a")
	writeFile(t, img+"/t", "x")
	writeFile(t, root+"/run/old.pid", "1")
	writeFile(t, root+"/data/.app_secret", strings.Repeat("c", 64))
	before := treeState(t, root)
	e := newEnv(t, parseSpec(t, planSpec, root, img), "DB_PASSWORD=pw")
	e.ReadOnly = true
	if _, err := Run(context.Background(), e, "workers"); err != nil {
		t.Fatal(err)
	}
	if after := treeState(t, root); after != before {
		t.Errorf("read-only run changed the tree:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	for name, want := range map[string]string{"APP_SECRET": strings.Repeat("c", 64), "WORKERS": "2", "DB_URL": "postgres://app:pw@db/app"} {
		if v, _ := e.Vars.Lookup(name); v != want {
			t.Errorf("%s=%q", name, v)
		}
	}
}
