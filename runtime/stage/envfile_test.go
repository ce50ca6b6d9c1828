package stage

import (
	"strings"
	"testing"

	"appstart/runtime/environ"
)

// env_file entries reach everything, managed keys win unless overridable,
// and the overrides come after secrets and workers (an overridable WORKERS
// is the user's to set).
func TestEnvFileOverrides(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/env", `# user overrides
export TZ=Europe/Berlin
APP_NAME='My App'
DB_HOST=evil
WORKERS=7
CLOUDRON_APP_ORIGIN=https://override
`)
	s := parseSpec(t, `
env_file = ["%[1]s/missing", "%[1]s/env"]
overridable = ["WORKERS"]
[env_defaults]
CLOUDRON_APP_ORIGIN = "http://localhost"
[env]
DB_HOST = "db"
[workers]
per_worker = "100M"
`, dir)
	e := newEnv(t, s)
	var logs []string
	e.Log = func(f string, a ...any) { logs = append(logs, f) }
	for _, st := range []string{"env", "workers"} {
		if err := runStage(t, e, st); err != nil {
			t.Fatal(err)
		}
	}
	for name, want := range map[string]string{
		"TZ": "Europe/Berlin", "APP_NAME": "My App", "DB_HOST": "db", "WORKERS": "7",
		"CLOUDRON_APP_ORIGIN": "https://override", // a default is the user's to replace
	} {
		if v, _ := e.Vars.Lookup(name); v != want {
			t.Errorf("%s=%q, want %q", name, v, want)
		}
	}
	if v, _ := e.Vars.Var("WORKERS"); v.Source != environ.EnvFile || v.Origin != dir+"/env:5" {
		t.Errorf("WORKERS from %v %q", v.Source, v.Origin)
	}
	if len(logs) != 1 {
		t.Errorf("want one ignored-override message, got %q", logs)
	}
}

func TestEnvFileMalformedLineNamesFileAndLine(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/env", "GOOD=1\nBAD LINE\n")
	s := parseSpec(t, "env_file = [%q]\n", dir+"/env")
	err := runStage(t, newEnv(t, s), "workers")
	if err == nil || !strings.Contains(err.Error(), dir+"/env:2") {
		t.Fatalf("err = %v", err)
	}
}
