package manifest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Windmill's manifest (abridged from the package): persistentDirs, an
// optional addon, and fields appstart does not read.
const windmill = `{
  "id": "com.windmill.cloudronapp",
  "version": "1.9.0 ",
  "upstreamVersion": "1.390.1",
  "httpPort": 8000,
  "healthCheckPath": "/api/version",
  "memoryLimit": 2147483648,
  "persistentDirs": ["/app/pgdata"],
  "addons": {
    "localstorage": {},
    "sendmail": { "optional": true, "supportsDisplayName": true },
    "oidc": { "loginRedirectUri": "/user/login_callback/cloudron" }
  },
  "tcpPorts": {}
}`

func TestParse(t *testing.T) {
	m, err := Parse([]byte(windmill))
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != "1.9.0" || m.UpstreamVersion != "1.390.1" || m.HTTPPort != 8000 ||
		m.HealthCheckPath != "/api/version" || m.MemoryLimit != 2<<30 {
		t.Errorf("fields: %+v", m)
	}
	if !slices.Equal(m.PersistentDirs, []string{"/app/pgdata"}) {
		t.Errorf("persistentDirs: %q", m.PersistentDirs)
	}
	if got := m.AddonNames(); !slices.Equal(got, []string{"localstorage", "oidc", "sendmail"}) {
		t.Errorf("addons: %q", got)
	}
	if !m.Addons["sendmail"].Optional || m.Addons["localstorage"].Optional {
		t.Errorf("optional flags: %+v", m.Addons)
	}
	if string(m.Addons["sendmail"].Options["supportsDisplayName"]) != "true" || m.Raw["tcpPorts"] == nil {
		t.Error("options and raw fields are kept")
	}
}

func TestParseEmptyAndErrors(t *testing.T) {
	m, err := Parse([]byte(`{}`))
	if err != nil || m.Version != "" || m.PersistentDirs != nil || m.Addons != nil {
		t.Fatalf("empty manifest: %+v %v", m, err)
	}
	for in, want := range map[string]string{
		`[]`:                                    "not a JSON object",
		`{"httpPort": "8000"}`:                  `"httpPort"`,
		`{"persistentDirs": ["app/pgdata"]}`:    `"app/pgdata"`,
		`{"persistentDirs": ["/app/pgdata/"]}`:  "clean",
		`{"persistentDirs": ["/"]}`:             `"/"`,
		`{"addons": {"ldap": {"optional": 1}}}`: "addons.ldap.optional",
		`{"addons": []}`:                        `"addons"`,
	} {
		if _, err := Parse([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%s) = %v, want an error with %s", in, err, want)
		}
	}
}

func TestLoadBeside(t *testing.T) {
	dir := t.TempDir()
	if got := Beside(filepath.Join(dir, "appstart.toml")); got != filepath.Join(dir, Name) {
		t.Fatalf("Beside: %s", got)
	}
	if err := os.WriteFile(filepath.Join(dir, Name), []byte(windmill), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Load(Beside(filepath.Join(dir, "appstart.toml")))
	if err != nil || m.Version != "1.9.0" {
		t.Fatalf("Load: %+v %v", m, err)
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "cannot read manifest") {
		t.Errorf("missing: %v", err)
	}
}
