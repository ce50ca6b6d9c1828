package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// Issue 15 item 1: a manifest's persistentDirs (Windmill's /app/pgdata) is
// written like /app/data: dirs, a template and a chown there work on a
// read-only root once the manifest beside the spec lists it; without it the
// same spec is refused before anything runs, and the rest of the read-only
// root stays refused either way.
func TestPersistentDirsFromManifest(t *testing.T) {
	harness.Require(t)
	bin := harness.Binary(t)
	spec := "user = \"cloudron\"\n" +
		"[[dirs]]\npath = \"/app/pgdata/run\"\nmode = \"0700\"\n" +
		"[[templates]]\nsource = \"/app/pkg/pg.conf.template\"\ntarget = \"/app/pgdata/postgresql.auto.conf\"\n" +
		"[[chown]]\npath = \"/app/pgdata\"\n"
	for _, withManifest := range []bool{true, false} {
		pkg := map[string]string{"appstart.toml": spec, "pg.conf.template": "listen_addresses = '127.0.0.1'\n"}
		if withManifest {
			pkg["CloudronManifest.json"] = `{"version": "1.0.0", "persistentDirs": ["/app/pgdata"]}`
		}
		pg := t.TempDir()
		if err := os.WriteFile(filepath.Join(pg, "PG_VERSION"), []byte("15\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c := harness.Run(t, harness.Options{
			Argv:     []string{"sleep", "infinity"},
			Pkg:      pkg,
			Binaries: map[string]string{"/app/bin/appstart": bin},
			Mounts:   []harness.Mount{{Source: pg, Target: "/app/pgdata", Writable: true}},
		})
		check := c.Exec("/app/bin/appstart", "check", "--spec-only", "--config", "/app/pkg/appstart.toml")
		r := c.Exec("/app/bin/appstart", "run", "--config", "/app/pkg/appstart.toml", "--until", "chown")
		if !withManifest {
			if r.ExitCode != 1 || check.ExitCode != 1 || !strings.Contains(r.Stderr, `"/app/pgdata/run" is on the read-only root`) ||
				!strings.Contains(check.Stderr, "read-only root") {
				t.Fatalf("without the manifest: run exit %d, check exit %d, want both refused:\n%s\n%s", r.ExitCode, check.ExitCode, r.Stderr, check.Stderr)
			}
			if _, err := os.Stat(filepath.Join(pg, "run")); err == nil {
				t.Error("a refused spec still made /app/pgdata/run")
			}
			continue
		}
		if r.ExitCode != 0 || check.ExitCode != 0 {
			t.Fatalf("with the manifest: run exit %d, check exit %d:\n%s\n%s", r.ExitCode, check.ExitCode, r.Stderr, check.Stderr)
		}
		for _, p := range []string{"run", "postgresql.auto.conf", "PG_VERSION"} {
			fi, err := os.Lstat(filepath.Join(pg, p))
			if err != nil || int(fi.Sys().(*syscall.Stat_t).Uid) != c.UID() {
				t.Errorf("/app/pgdata/%s: %v %v, want it owned by the app user", p, fi, err)
			}
		}
		if b, _ := os.ReadFile(filepath.Join(pg, "postgresql.auto.conf")); string(b) != "listen_addresses = '127.0.0.1'\n" {
			t.Errorf("rendered: %q", b)
		}
	}
}

// Issue 15 item 8: remove takes stale files under /app/data with the
// no-follow rules of every other stage: a glob's matches go, a link that
// matches is removed itself (never its target), and a link the app user
// planted in a match's directory refuses the start, leaving the target.
func TestRemoveUnderAppData(t *testing.T) {
	harness.Require(t)
	c := harness.Run(t, harness.Options{
		Argv:     []string{"sleep", "infinity"},
		Writable: true, // so a followed link would show, not hit EROFS
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
	})
	before := snapshot(t, c)
	run := func(spec string) harness.ExecResult {
		t.Helper()
		if err := os.WriteFile(c.HostPath("/run/remove.toml"), []byte("user = \"cloudron\"\n"+spec), 0o644); err != nil {
			t.Fatal(err)
		}
		return c.Exec("/app/bin/appstart", "run", "--config", "/run/remove.toml", "--until", "dirs")
	}

	resetData(t, c)
	data := c.DataDir()
	for _, f := range []string{"storage/sessions/sess_a", "storage/sessions/sess_b", "storage/sessions/keep.txt", "app.pid"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(data, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(data, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plant(t, c, "/app/data/shadow.pid", "/etc/shadow", false)
	r := run("remove = [\"/app/data/storage/sessions/sess_*\", \"/app/data/*.pid\"]\n")
	if r.ExitCode != 0 {
		t.Fatalf("remove: exit %d\n%s", r.ExitCode, r.Stderr)
	}
	for f, want := range map[string]bool{"storage/sessions/sess_a": false, "storage/sessions/sess_b": false,
		"app.pid": false, "shadow.pid": false, "storage/sessions/keep.txt": true} {
		if _, err := os.Lstat(filepath.Join(data, f)); (err == nil) != want {
			t.Errorf("/app/data/%s: exists %v, want %v", f, err == nil, want)
		}
	}

	resetData(t, c)
	plant(t, c, "/app/data/cache", "/etc/ssl", false)
	r = run("remove = [\"/app/data/cache/*.cnf\"]\n")
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, "/app/data/cache is a symbolic link") {
		t.Errorf("remove through a planted link: exit %d, want a refusal naming it:\n%s", r.ExitCode, r.Stderr)
	}
	if after := snapshot(t, c); after != before {
		t.Errorf("remove followed the link:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// Issue 15 item 6: a password a patch writes into the env_file reaches the
// program in the same start (the old order read the file before the patch:
// the program saw the previous start's value until the next restart).
func TestEnvFileAfterPatchReachesProgram(t *testing.T) {
	spec := `user = "cloudron"
env_file = ["/app/data/env"]
[[patch]]
file = "/app/data/env"
format = "dotenv"
set = { DB_PASSWORD = "${CLOUDRON_POSTGRESQL_PASSWORD}" }
[[dirs]]
path = "/run/app"
[programs.app]
command = "echo \"$DB_PASSWORD\" > /run/app/seen; exec sleep infinity"
`
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "env"), []byte("DB_PASSWORD=old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(filepath.Join(data, "env"), harness.DefaultUID, harness.DefaultGID); err != nil {
		t.Fatal(err)
	}
	c := container(t, spec, func(o *harness.Options) {
		o.DataDir = data
		o.Env = append(append([]string{}, harness.DefaultEnv...), "CLOUDRON_POSTGRESQL_PASSWORD=rotated")
	})
	var seen string
	waitFor(t, "/run/app/seen written", 20*time.Second, func() (bool, string) {
		b, err := os.ReadFile(c.HostPath("/run/app/seen"))
		seen = string(b)
		return err == nil && strings.HasSuffix(seen, "\n"), c.Stderr()
	})
	if seen != "rotated\n" {
		t.Errorf("the program saw DB_PASSWORD=%q on the first start after the rotation, want \"rotated\"", seen)
	}
	stopped(t, c)
}
