package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"appstart/runtime/spec"
)

// TestInitFromManifest: `appstart init --manifest` takes the port and the
// addons from CloudronManifest.json (an addon with nothing to write is
// named and skipped), and the spec it prints, kept beside that manifest,
// passes check --spec-only.
func TestInitFromManifest(t *testing.T) {
	dir := t.TempDir()
	mf := filepath.Join(dir, "CloudronManifest.json")
	os.WriteFile(mf, []byte(`{"version": "1.0.0", "httpPort": 8065, "healthCheckPath": "/api/health",
  "addons": {"localstorage": {}, "postgresql": {}, "sendmail": {"optional": true}, "proxyAuth": {}}}`), 0o644)
	code, out, errOut := runMain("init", "--manifest", mf)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, `addon "proxyAuth" has nothing to write`) && !strings.Contains(out, "proxyauth") {
		t.Errorf("proxyAuth neither written nor named: %s", errOut)
	}
	s, err := spec.Parse("appstart.toml", []byte(out))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	env := map[string]string{}
	for _, e := range s.Env {
		env[e.Name] = e.Value
	}
	if env["DATABASE_URL"] != "${CLOUDRON_POSTGRESQL_URL}" || env["SMTP_HOST"] != "${CLOUDRON_MAIL_SMTP_SERVER:-}" {
		t.Errorf("[env] lacks the addons' mappings: %v", env)
	}
	if !strings.Contains(out, `PORT = "8065"`) || !strings.Contains(out, "appstart init --manifest "+mf) {
		t.Errorf("port or header not from the manifest:\n%s", out)
	}
	cfg := filepath.Join(dir, "appstart.toml")
	os.WriteFile(cfg, []byte(out), 0o644)
	if code, _, errOut := runMain("check", "--spec-only", "--config", cfg); code != 0 {
		t.Errorf("check --spec-only: exit %d: %s", code, errOut)
	}
}

// TestCheckReadsManifest: `appstart check` beside a manifest warns, with
// file:line, about an undeclared addon's variable and a declared addon
// the spec never uses, and says which program gets the manifest's probes.
func TestCheckReadsManifest(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "CloudronManifest.json"), []byte("{\n  \"httpPort\": 8000,\n  \"healthCheckPath\": \"/health\",\n  \"addons\": {\n    \"postgresql\": {}\n  }\n}\n"), 0o644)
	cfg := filepath.Join(dir, "appstart.toml")
	os.WriteFile(cfg, []byte("user = \"root\"\n[env]\nDB_HOST = \"${CLOUDRON_MYSQL_HOST}\"\n\n[programs.web]\ncommand = [\"/bin/true\"]\n"), 0o644)
	code, out, errOut := runMain("check", "--config", cfg)
	if code != 0 {
		t.Fatalf("check: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		cfg + ":3: env.DB_HOST: CLOUDRON_MYSQL_HOST belongs to the mysql addon, which " + filepath.Join(dir, "CloudronManifest.json") + " does not declare",
		filepath.Join(dir, "CloudronManifest.json") + ":5: addons.postgresql: the spec never uses the postgresql addon's variables",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("check's warnings lack %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out, "programs.web: ready and healthcheck from the manifest (GET http://127.0.0.1:8000/health): it is the only program that starts on its own") {
		t.Errorf("check does not say where web's probes come from:\n%s", out)
	}
}
