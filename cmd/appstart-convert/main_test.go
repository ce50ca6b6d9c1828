package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"appstart/runtime/app"
	"appstart/runtime/cli"
	"appstart/runtime/harness/skip"
)

// convertAndCheck converts a script as an author does (spec to a file,
// generated files beside it) and runs `appstart check --spec-only` on it.
func convertAndCheck(t *testing.T, script string) string {
	t.Helper()
	dir := t.TempDir()
	var spec, stderr bytes.Buffer
	if code := run([]string{"--out", dir, script}, &spec, &stderr); code != 0 {
		t.Fatalf("appstart-convert %s: exit %d\n%s", script, code, stderr.String())
	}
	cfg := filepath.Join(dir, "appstart.toml")
	os.WriteFile(cfg, spec.Bytes(), 0o644)
	var out bytes.Buffer
	if code := cli.Main([]string{"check", "--spec-only", "--config", cfg}, app.IO{Stdout: &out, Stderr: &out, Env: []string{"PATH=/usr/bin:/bin"}}); code != 0 {
		t.Errorf("appstart check --spec-only on the conversion of %s: exit %d\n%s\n%s", script, code, out.String(), spec.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	return lines[len(lines)-1]
}

// TestSpecsPassCheck: every script of runtime/startsh/testdata converts
// to a spec that `appstart check --spec-only` accepts.
func TestSpecsPassCheck(t *testing.T) {
	scripts, _ := filepath.Glob("../../runtime/startsh/testdata/*.sh")
	if len(scripts) == 0 {
		t.Fatal("no scripts")
	}
	for _, s := range scripts {
		t.Run(filepath.Base(s), func(t *testing.T) { convertAndCheck(t, s) })
	}
}

// TestRealScripts converts the real start scripts in the directory
// $APPSTART_STARTSH_CORPUS (fetched from the repositories that
// runtime/startsh/testdata/SOURCES names, each with its source on its
// first line) and checks each result; -v prints the guide's table.
func TestRealScripts(t *testing.T) {
	dir := os.Getenv("APPSTART_STARTSH_CORPUS")
	if dir == "" {
		skip.Optional(t, "APPSTART_STARTSH_CORPUS names no directory of real start scripts (see runtime/startsh/testdata/SOURCES)")
	}
	scripts, _ := filepath.Glob(filepath.Join(dir, "*.sh"))
	if len(scripts) < 20 {
		t.Fatalf("%d scripts in %s; the guide's table wants at least 20", len(scripts), dir)
	}
	var table strings.Builder
	table.WriteString("| script | statements | converted | kept |\n| --- | --- | --- | --- |\n")
	for _, s := range scripts {
		var line string
		t.Run(filepath.Base(s), func(t *testing.T) { line = convertAndCheck(t, s) })
		var name string
		var n, conv, kept int
		fmt.Sscanf(strings.TrimPrefix(line, "appstart convert: "), "%s %d statements: %d converted, %d kept", &name, &n, &conv, &kept)
		fmt.Fprintf(&table, "| %s | %d | %d | %d |\n", strings.TrimSuffix(filepath.Base(s), ".sh"), n, conv, kept)
	}
	t.Log("\n" + table.String())
}

// TestAppstartConvertExecs: `appstart convert start.sh` runs this binary
// from beside appstart (the layout make build gives), and a supervisord
// file still converts in appstart itself.
func TestAppstartConvertExecs(t *testing.T) {
	if testing.Short() {
		skip.Optional(t, "builds both binaries")
	}
	bin := t.TempDir()
	for _, b := range []string{"appstart", "appstart-convert"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(bin, b), "appstart/cmd/"+b)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b, err, out)
		}
	}
	out := t.TempDir()
	cmd := exec.Command(filepath.Join(bin, "appstart"), "convert", "--out", out, "../../runtime/startsh/testdata/secrets.sh")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("appstart convert: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "[[secrets]]") || !strings.Contains(stderr.String(), "9 statements: 9 converted, 0 kept") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
	if _, err := os.Stat(filepath.Join(out, "config.py.template")); err != nil {
		t.Errorf("the heredoc's template was not written: %v", err)
	}
}
