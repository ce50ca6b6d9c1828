package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConvPaths(t *testing.T) {
	checkConv(t, "path", convPath, []convCase{
		{in: "/app/code", want: "/app/code"},
		{in: "/app/code/config.default/", want: "/app/code/config.default/"}, // a trailing slash is kept
		{in: "/", want: "/"},
		{in: "app/code", wantErr: `write "/app/code"`},
		{in: "./app/code", wantErr: `write "/app/code"`},
		{in: "config.php", wantErr: "starting with /"},
		{in: "/run/../etc", wantErr: `write the path as "/etc"`},
		{in: "/run//app", wantErr: `write the path as "/run/app"`},
		{in: "/run/${APP}/x", wantErr: "not expanded"},
		{in: "", wantErr: "empty path"},
	})
	defaults := func(v any) (any, string) { return convWritable(v, DefaultWritable) }
	checkConv(t, "writable", defaults, []convCase{
		{in: "/run/app/x", want: "/run/app/x"},
		{in: "/tmp/x", want: "/tmp/x"},
		{in: "/app/data", want: "/app/data"},
		{in: "/app/data/x/y", want: "/app/data/x/y"},
		{in: "/app/database", wantErr: "read-only root"}, // a prefix of the name is not inside
		{in: "/runner/x", wantErr: "read-only root"},
		{in: "/etc/app/config.php", wantErr: `(e.g. "/run/app/config.php")`},
		{in: "/", wantErr: "read-only root"},
		{in: "/app/pgdata/x", wantErr: `list "/app/pgdata" in CloudronManifest.json's persistentDirs`},
		{in: "/app/code/x", wantErr: `(e.g. "/run/code/x")`}, // the image's own code gets no such hint
	})
	withPg := func(v any) (any, string) { return convWritable(v, append(DefaultWritable, "/app/pgdata")) }
	checkConv(t, "writable with a persistent dir", withPg, []convCase{
		{in: "/app/pgdata", want: "/app/pgdata"},
		{in: "/app/pgdata/base", want: "/app/pgdata/base"},
		{in: "/app/pgdatax", wantErr: "read-only root"},
		{in: "/app/code/x", wantErr: "read-only root"},
	})
}

func TestConvRoots(t *testing.T) {
	if _, iss := convRoots([]any{"/app/pgdata", "/var/lib/redis", "/home/cloudron"}); iss != nil {
		t.Errorf("valid roots refused: %v", iss)
	}
	for in, want := range map[string]string{
		"/":              "whole root",
		"/app":           "/app/code",
		"/app/code/data": "/app/code",
		"/etc/app":       "/etc",
		"app/pgdata":     `write "/app/pgdata"`,
		"/app/pgdata/":   "write the path as",
	} {
		_, iss := convRoots([]any{in})
		if len(iss) != 1 || !strings.Contains(iss[0].msg, want) {
			t.Errorf("convRoots(%q) = %v, want %q", in, iss, want)
		}
	}
}

func TestConvRemove(t *testing.T) {
	if _, iss := convRemove([]any{"/run/apache2/*.pid", "/tmp/x-?", "/run/a/[ab].sock"}); iss != nil {
		t.Errorf("valid globs refused: %v", iss)
	}
	if _, iss := convRemove([]any{"/app/data/*.pid", "/app/data/storage/framework/sessions/sess_*", "/app/data/cache/[ab]x*"}); iss != nil {
		t.Errorf("valid /app/data globs refused: %v", iss)
	}
	_, iss := convRemove([]any{"/app/data", "/run", "/tmp", "/var/run/x", "/run/[x", "run/x",
		"/app/data/*", "/app/data/cache/[a-z]*", "/app/database/x"})
	if len(iss) != 9 {
		t.Errorf("want 9 problems, got %v", iss)
	}
}

// A persistent directory of the manifest (Windmill's /app/pgdata) or of
// the spec's writable is written like /app/data; the rest of the
// read-only root is still refused (issue 15 item 1).
func TestPersistentDirs(t *testing.T) {
	const body = "[[dirs]]\npath = \"/app/pgdata/run\"\n[[chown]]\npath = \"/app/pgdata\"\n[[dirs]]\npath = \"/app/code/x\"\n"
	_, err := Parse("appstart.toml", []byte(body))
	if err == nil || strings.Count(err.Error(), "read-only root") != 3 {
		t.Fatalf("without the manifest: %v", err)
	}
	_, err = ParseWith("appstart.toml", []byte(body), Options{PersistentDirs: []string{"/app/pgdata"}})
	if err == nil || strings.Count(err.Error(), "read-only root") != 1 || !strings.Contains(err.Error(), "/app/code/x") {
		t.Fatalf("with the manifest: %v", err)
	}
	s, err := Parse("appstart.toml", []byte("writable = [\"/app/pgdata\"]\n"+body[:len(body)-len("[[dirs]]\npath = \"/app/code/x\"\n")]))
	if err != nil {
		t.Fatalf("with writable: %v", err)
	}
	if got := s.WritableRoots(); strings.Join(got, " ") != "/app/data /run /tmp /app/pgdata" {
		t.Errorf("WritableRoots = %q", got)
	}
	if _, err := Parse("appstart.toml", []byte("writable = [\"/app\"]\n[[dirs]]\npath = \"/app/code/x\"\n")); err == nil ||
		!strings.Contains(err.Error(), `writable[1]: "/app" overlaps /app/code`) || !strings.Contains(err.Error(), "read-only root") {
		t.Errorf("writable over the image: %v", err)
	}
}

// Load reads the manifest beside the spec.
func TestLoadReadsManifestBeside(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "appstart.toml")
	if err := os.WriteFile(spec, []byte("[[dirs]]\npath = \"/app/pgdata\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(spec); err == nil {
		t.Fatal("no manifest: /app/pgdata accepted")
	}
	if err := os.WriteFile(filepath.Join(dir, "CloudronManifest.json"), []byte(`{"persistentDirs": ["/app/pgdata"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(spec); err != nil {
		t.Fatalf("with the manifest: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "CloudronManifest.json"), []byte(`{"persistentDirs": "/app/pgdata"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(spec); err == nil || !strings.Contains(err.Error(), "persistentDirs") {
		t.Fatalf("a broken manifest: %v", err)
	}
}
