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
	for _, st := range []string{"env", "workers", "templates"} {
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
	err := runStage(t, newEnv(t, s), "templates")
	if err == nil || !strings.Contains(err.Error(), dir+"/env:2") {
		t.Fatalf("err = %v", err)
	}
}

// Issue 15 item 6: an env_file a patch writes is read as the patch leaves
// it, in the same start: a rotated addon password reaches the programs'
// environment and a template on the first start after the rotation, not
// one start late.
func TestEnvFileReadAfterPatch(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	writeFile(t, dir+"/env", "# the user's file\nDB_PASSWORD=old\nTZ=UTC\n")
	writeFile(t, dir+"/app.conf.template", "password=##DB_PASSWORD tz=##TZ\n")
	s := parseSpec(t, `
env_file = ["%[1]s/env"]
[[templates]]
source = "%[1]s/app.conf.template"
target = "%[1]s/app.conf"
[[patch]]
file = "%[1]s/env"
format = "dotenv"
set = { DB_PASSWORD = "${CLOUDRON_POSTGRESQL_PASSWORD}" }
`, dir)
	e := newEnv(t, s, "CLOUDRON_POSTGRESQL_PASSWORD=rotated")
	for _, st := range []string{"env", "dirs", "seed", "secrets", "workers", "templates"} {
		if err := runStage(t, e, st); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
	if v, _ := e.Vars.Lookup("DB_PASSWORD"); v != "rotated" {
		t.Errorf("DB_PASSWORD=%q after the stages, want the patched value", v)
	}
	if got := readString(t, dir+"/app.conf"); got != "password=rotated tz=UTC\n" {
		t.Errorf("template rendered %q", got)
	}
	if got := readString(t, dir+"/env"); !strings.Contains(got, "DB_PASSWORD=rotated") || !strings.Contains(got, "# the user's file") {
		t.Errorf("env file after the patch: %q", got)
	}
}
