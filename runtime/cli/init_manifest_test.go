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
