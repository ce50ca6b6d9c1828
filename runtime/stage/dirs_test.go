package stage

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDirsCreateWithOwnerAndMode(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	s := parseSpec(t, `
[[dirs]]
path = "%[1]s/run/app/sessions"
mode = "0750"
[[dirs]]
path = "%[1]s/run/shared"
owner = "www-data:cloudron"
mode = "2775"
[[dirs]]
path = "%[1]s/run/ldap"
when = "CLOUDRON_LDAP_SERVER"
`, dir)
	e := newEnv(t, s)
	if err := runStage(t, e, "dirs"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path     string
		uid, gid int
		mode     fs.FileMode
	}{
		{dir + "/run/app/sessions", 1000, 1000, 0o750},
		{dir + "/run/app", 1000, 1000, 0o755}, // a parent made for it
		{dir + "/run/shared", 33, 1000, 0o775 | fs.ModeSetgid},
	} {
		uid, gid, mode := stat(t, c.path)
		if uid != c.uid || gid != c.gid || mode != c.mode {
			t.Errorf("%s: %d:%d %v, want %d:%d %v", c.path, uid, gid, mode, c.uid, c.gid, c.mode)
		}
	}
	if exists(dir + "/run/ldap") {
		t.Errorf("dir with an unmet when was made")
	}
	if got := partsText(e); got != "2 dirs (4 made, 0 fixed)" {
		t.Errorf("summary %q", got)
	}
}

func TestDirsFixExisting(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	p := dir + "/sessions"
	if err := os.Mkdir(p, 0o777); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p+"/kept", "x")
	s := parseSpec(t, "[[dirs]]\npath = %q\nmode = \"0700\"\n", p)
	e := newEnv(t, s)
	if err := runStage(t, e, "dirs"); err != nil {
		t.Fatal(err)
	}
	if uid, gid, mode := stat(t, p); uid != 1000 || gid != 1000 || mode != 0o700 {
		t.Errorf("%d:%d %v", uid, gid, mode)
	}
	if readString(t, p+"/kept") != "x" {
		t.Errorf("content of an existing dir changed")
	}
	// A second run finds nothing to do.
	e = newEnv(t, s)
	if err := runStage(t, e, "dirs"); err != nil {
		t.Fatal(err)
	}
	if got := partsText(e); got != "1 dir" {
		t.Errorf("summary %q", got)
	}
}

func TestDirsRefuseNonDirectories(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/file", "x")
	if err := os.Symlink("/etc", dir+"/link"); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"file": "it is a regular file", "link": "it is a symbolic link"} {
		s := parseSpec(t, "[[dirs]]\npath = %q\n", dir+"/"+name)
		err := runStage(t, newEnv(t, s), "dirs")
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), dir+"/"+name) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if fi, _ := os.Stat("/etc"); fi.Mode().Perm() != 0o755 {
		t.Errorf("/etc mode changed")
	}
}

func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/run/apache2/apache2.pid", "123")
	writeFile(t, dir+"/run/apache2/keep.conf", "x")
	writeFile(t, dir+"/run/php/sock.d/a", "x")
	s := parseSpec(t, `remove = ["%[1]s/run/apache2/*.pid", "%[1]s/run/php/sock.d", "%[1]s/run/none/*"]`, dir)
	e := newEnv(t, s)
	if err := runStage(t, e, "dirs"); err != nil {
		t.Fatal(err)
	}
	if exists(dir+"/run/apache2/apache2.pid") || exists(dir+"/run/php/sock.d") {
		t.Errorf("stale entries left")
	}
	if !exists(dir + "/run/apache2/keep.conf") {
		t.Errorf("a file the glob does not match was removed")
	}
	if got := partsText(e); got != "2 stale removed" {
		t.Errorf("summary %q", got)
	}
}

// A pattern under /tmp that reaches elsewhere through a symlinked directory
// must not remove anything there; the control shows the same glob removes
// the file when it really is under /tmp.
func TestRemoveStaysUnderTmpfs(t *testing.T) {
	// /var/tmp: outside /run and /tmp wherever the checkout lives (CI clones under /tmp).
	outside, err := os.MkdirTemp("/var/tmp", "outside-")
	if err != nil {
		t.Fatal(err)
	}
	outside, _ = filepath.Abs(outside)
	t.Cleanup(func() { os.RemoveAll(outside) })
	writeFile(t, outside+"/app.pid", "1")
	dir := t.TempDir()
	if err := os.Symlink(outside, dir+"/link"); err != nil {
		t.Fatal(err)
	}
	s := parseSpec(t, `remove = ["%s/link/*.pid"]`, dir)
	err = runStage(t, newEnv(t, s), "dirs")
	if err == nil || !strings.Contains(err.Error(), "only files under /run, /tmp and /app/data") {
		t.Errorf("err = %v", err)
	}
	if !exists(outside + "/app.pid") {
		t.Fatalf("a file outside /run and /tmp was removed")
	}
	// Control: the same file under /tmp goes.
	writeFile(t, dir+"/real/app.pid", "1")
	s = parseSpec(t, `remove = ["%s/real/*.pid"]`, dir)
	if err := runStage(t, newEnv(t, s), "dirs"); err != nil || exists(dir+"/real/app.pid") {
		t.Errorf("control: err %v, exists %v", err, exists(dir+"/real/app.pid"))
	}
}

func TestDirsDryRunChangesNothing(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/x.pid", "1")
	s := parseSpec(t, "remove = [\"%[1]s/*.pid\"]\n[[dirs]]\npath = \"%[1]s/a/b\"\nmode = \"0750\"\n", dir)
	e := newEnv(t, s)
	var plan []string
	e.DryRun, e.Plan = true, func(l string) { plan = append(plan, l) }
	if err := runStage(t, e, "dirs"); err != nil {
		t.Fatal(err)
	}
	if exists(dir+"/a") || !exists(dir+"/x.pid") {
		t.Errorf("dry run changed the filesystem")
	}
	want := []string{
		"dirs: remove " + dir + "/x.pid",
		"dirs: create " + dir + "/a/b owner cloudron (1000:1000) mode 0750",
	}
	if strings.Join(plan, "\n") != strings.Join(want, "\n") {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(plan, "\n"), strings.Join(want, "\n"))
	}
}
