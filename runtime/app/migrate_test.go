package app_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The migration commands work from the command line: init's output passes
// check, convert's output passes check, schema prints valid JSON.
func TestMigrationCommands(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runMain("init", "--port", "8080", "--addon", "mysql,redis")
	if code != 0 || !strings.Contains(out, "CLOUDRON_MYSQL_PASSWORD") || !strings.Contains(out, "8080") {
		t.Fatalf("init: %d %s\n%s", code, errOut, out)
	}
	if code, _, errOut := checkText(t, dir, "init.toml", out); code != 0 {
		t.Fatalf("init output fails check: %s\n%s", errOut, out)
	}
	conf := filepath.Join(dir, "supervisord.conf")
	os.WriteFile(conf, []byte("[program:web]\ncommand=node /app/code/server.js --port %(ENV_PORT)s\nuser=cloudron\nautorestart=true\nstopsignal=QUIT\n"), 0o644)
	code, out, errOut = runMain("convert", conf)
	if code != 0 || !strings.Contains(out, "[programs.web]") || !strings.Contains(out, "${PORT}") {
		t.Fatalf("convert: %d %s\n%s", code, errOut, out)
	}
	if code, _, errOut := checkText(t, dir, "converted.toml", out); code != 0 {
		t.Fatalf("convert output fails check: %s\n%s", errOut, out)
	}
	if code, _, _ := runMain("convert", filepath.Join(dir, "missing.conf")); code != 1 {
		t.Errorf("convert of a missing file: exit %d", code)
	}
	code, out, _ = runMain("schema")
	var v map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || v["properties"] == nil {
		t.Fatalf("schema: exit %d, not a JSON Schema: %.200s", code, out)
	}
}

func checkText(t *testing.T, dir, name, text string) (int, string, string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return runMain("check", "--spec-only", "--config", p)
}
