package stage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"appstart/runtime/harness/skip"
)

// mountTmpfs mounts a small tmpfs as the test's /app/data.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	requireRoot(t)
	dir := t.TempDir() + "/data"
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		skip.OrFail(t, "cannot mount a tmpfs: %v", err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
	return dir
}

// dataSpec is a start that writes to data in most stages.
func dataSpec(t *testing.T, data string) (img string, specText string) {
	img = t.TempDir()
	for _, n := range []string{"a", "b", "c"} {
		writeFile(t, img+"/defaults/"+n, strings.Repeat(n, 16<<10))
	}
	writeFile(t, img+"/config.tpl", "secret=##APP_SECRET\n")
	return img, `
[[seed]]
from = "` + img + `/defaults"
to = "` + data + `/defaults"
[[secrets]]
name = "APP_SECRET"
file = "` + data + `/.app_secret"
[[templates]]
source = "` + img + `/config.tpl"
target = "` + data + `/config"
[[patch]]
file = "` + data + `/user.ini"
set = { "app.key" = "${APP_SECRET}" }
[first_run]
marker = "` + data + `/.initialized"
commands = [["install"]]
`
}

// snapshot records every regular file under dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			b, _ := os.ReadFile(p)
			m[p] = string(b)
		}
		return nil
	})
	return m
}

// checkIntactOrWhole: what was there is unchanged, and what is new is
// whole (a complete seeded file, a full secret); nothing half-written,
// no temp file left.
func checkIntactOrWhole(t *testing.T, data string, before map[string]string) {
	t.Helper()
	after := snapshot(t, data)
	for p, content := range before {
		if after[p] != content {
			t.Errorf("%s changed: %d bytes, was %d", p, len(after[p]), len(content))
		}
	}
	for p, content := range after {
		if _, ok := before[p]; ok {
			continue
		}
		name := filepath.Base(p)
		switch {
		case strings.Contains(name, ".tmp-"): // fsops's temp names
			t.Errorf("temp file left: %s", p)
		case filepath.Dir(p) == data+"/defaults":
			if content != strings.Repeat(name, 16<<10) {
				t.Errorf("half-seeded %s: %d bytes", p, len(content))
			}
		case name == ".app_secret":
			if len(content) != 64 {
				t.Errorf("half-written secret: %q", content)
			}
		case name == ".initialized":
			t.Errorf("first_run marker written by a failed start")
		}
	}
}

func TestFullDataVolume(t *testing.T) {
	data := mountTmpfs(t, "96k")
	writeFile(t, data+"/user.db", strings.Repeat("precious ", 2000))
	writeFile(t, data+"/user.ini", "[user]\ncolor = blue\n")
	// Fill what is left.
	f, err := os.Create(data + "/filler")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := f.Write(make([]byte, 4096)); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	f.Close()
	before := snapshot(t, data)
	_, specText := dataSpec(t, data)
	s := parseSpec(t, "%s", specText)
	r := &fakeRunner{}
	e := newEnv(t, s)
	e.Runner = r
	_, err = Run(context.Background(), e, "")
	if err == nil || !strings.Contains(err.Error(), "no space left on device") || !strings.Contains(err.Error(), data+"/") {
		t.Fatalf("err = %v, want ENOSPC naming a path under %s", err, data)
	}
	t.Logf("full: %v", err)
	checkIntactOrWhole(t, data, before)
	if len(r.cmds) != 0 {
		t.Errorf("first_run ran after a failed stage")
	}

	// Room again: the next start finishes the job.
	os.Remove(data + "/filler")
	e = newEnv(t, s)
	e.Runner = r
	if _, err := Run(context.Background(), e, ""); err != nil {
		t.Fatal(err)
	}
	if !exists(data+"/.initialized") || readString(t, data+"/defaults/c") != strings.Repeat("c", 16<<10) {
		t.Errorf("clean start incomplete")
	}
}

func TestReadOnlyDataVolume(t *testing.T) {
	data := mountTmpfs(t, "1m")
	writeFile(t, data+"/user.db", strings.Repeat("precious ", 2000))
	writeFile(t, data+"/user.ini", "[user]\ncolor = blue\n")
	if err := unix.Mount("", data, "", unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, data)
	_, specText := dataSpec(t, data)
	s := parseSpec(t, "%s", specText)
	e := newEnv(t, s)
	e.Runner = &fakeRunner{}
	_, err := Run(context.Background(), e, "")
	if err == nil || !strings.Contains(err.Error(), "read-only file system") || !strings.Contains(err.Error(), data) {
		t.Fatalf("err = %v, want EROFS naming %s", err, data)
	}
	t.Logf("read-only: %v", err)
	checkIntactOrWhole(t, data, before)

	if err := unix.Mount("", data, "", unix.MS_REMOUNT, ""); err != nil {
		t.Fatal(err)
	}
	e = newEnv(t, s)
	e.Runner = &fakeRunner{}
	if _, err := Run(context.Background(), e, ""); err != nil {
		t.Fatal(err)
	}
}
