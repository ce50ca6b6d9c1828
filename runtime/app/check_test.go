package app_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"appstart/runtime/app"
	"appstart/runtime/cli"
	"appstart/runtime/harness"
)

func runMain(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cli.Main(args, app.IO{Stdout: &out, Stderr: &errb, Env: []string{"PATH=/usr/bin:/bin"}})
	return code, out.String(), errb.String()
}

// Every broken spec of the corpus fails `check` with exit 1 and prints the
// exact problems its .err file holds.
func TestCheckBrokenCorpus(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/specs/bad/*.toml")
	if len(files) < 30 {
		t.Fatalf("only %d broken specs", len(files))
	}
	for _, f := range files {
		want, err := os.ReadFile(strings.TrimSuffix(f, ".toml") + ".err")
		if err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runMain("check", "--spec-only", "--config", f)
		if code != 1 {
			t.Errorf("%s: exit %d, want 1", f, code)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(want)), "\n") {
			line = strings.TrimPrefix(line, "testdata/specs/bad/")
			if !strings.Contains(stderr, line) {
				t.Errorf("%s: stderr lacks %q:\n%s", f, line, stderr)
			}
		}
	}
}

func TestCheckGoodSpecsAndExamples(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/specs/good/*.toml")
	ex, _ := filepath.Glob("../../examples/*/appstart.toml")
	for _, f := range append(files, ex...) {
		if code, _, stderr := runMain("check", "--spec-only", "--config", f); code != 0 {
			t.Errorf("%s: exit %d\n%s", f, code, stderr)
		}
	}
}

// Inside the image, check also finds what the spec gets wrong about it.
func TestCheckFindsImageProblems(t *testing.T) {
	spec := `user = "cloudron"
[env_defaults]
CLOUDRON_APP_ORIGIN = "http://localhost"
[[templates]]
source = "/app/pkg/config.tmpl"
target = "/run/config"
[[templates]]
source = "/app/pkg/missing.tmpl"
target = "/run/missing"
[programs.web]
command = ["no-such-server", "--port", "3000"]
[programs.worker]
command = ["/bin/sh", "-c", "sleep 1"]
user = "nosuchuser"
`
	c := harness.Run(t, harness.Options{
		Argv:     []string{"/bin/sleep", "60"},
		Pkg:      map[string]string{"appstart.toml": spec, "config.tmpl": "origin=##CLOUDRON_APP_ORIGIN\ndb=##CLOUDRON_MYSQL_HOST\nmine=##MY_SETTING\n"},
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
	})
	r := c.Exec("/app/bin/appstart", "check")
	if r.ExitCode != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.ExitCode, r.Stderr)
	}
	for _, want := range []string{
		`programs.web.command: command no-such-server: not found in PATH`,
		`programs.worker.user: cannot look up user "nosuchuser"`,
		`templates[2].source: cannot read /app/pkg/missing.tmpl`,
		"MY_SETTING                                            needed by /app/pkg/config.tmpl:3",
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
	// The addon's and the default's placeholders are fine; so is the cloudron user.
	for _, bad := range []string{"CLOUDRON_MYSQL_HOST", "CLOUDRON_APP_ORIGIN", `"cloudron"`} {
		if strings.Contains(r.Stderr, bad) {
			t.Errorf("stderr wrongly mentions %s:\n%s", bad, r.Stderr)
		}
	}
	if r := c.Exec("/app/bin/appstart", "check", "--spec-only"); r.ExitCode != 0 {
		t.Errorf("--spec-only: exit %d\n%s", r.ExitCode, r.Stderr)
	}
}
