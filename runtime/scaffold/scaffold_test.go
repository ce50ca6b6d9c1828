package scaffold

import (
	"strings"
	"testing"

	"appstart/runtime/environ"
	"appstart/runtime/spec"
)

func mustGenerate(t *testing.T, opt Options) string {
	t.Helper()
	out, err := Generate(opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := spec.Parse("appstart.toml", out); err != nil {
		t.Fatalf("the scaffold fails appstart check:\n%v\n%s", err, out)
	}
	return string(out)
}

func TestDefault(t *testing.T) {
	out := mustGenerate(t, Options{})
	for _, want := range []string{
		"CLOUDRON_APP_ORIGIN = \"http://localhost:3000\"",
		"environment = { PORT = \"3000\" }",
		"ready = \"tcp://127.0.0.1:3000\"",
		"# [[dirs]]", "# [[seed]]", "# [[secrets]]", "# [workers]", "# [[templates]]", "# [[patch]]",
		"[[chown]]", "# [first_run]", "# [on_upgrade]", "# [[on_start]]", "[programs.app]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the default scaffold lacks %q:\n%s", want, out)
		}
	}
	s, _ := spec.Parse("appstart.toml", []byte(out))
	if p := s.Program("app"); p == nil || p.User != "cloudron" {
		t.Errorf("want one program app run as cloudron, got %+v", s.Programs)
	}
}

// TestEachAddon: each addon alone gives a valid spec listing every
// variable the platform sets for it.
func TestEachAddon(t *testing.T) {
	for _, name := range Addons() {
		t.Run(name, func(t *testing.T) {
			out := mustGenerate(t, Options{Port: 8080, Addons: []string{name}})
			for _, v := range environ.AddonVars(name) {
				if !strings.Contains(out, v) {
					t.Errorf("--addon %s: %s is not listed", name, v)
				}
			}
			if !strings.Contains(out, "# "+name+" addon:") {
				t.Errorf("--addon %s: no comment on the addon", name)
			}
			if !strings.Contains(out, "--addon "+name+"`") {
				t.Errorf("--addon %s: the header does not repeat the command", name)
			}
		})
	}
}

// TestMappingsUseAddonVars: every variable an example [env] entry reads
// is one its addon sets, so a typo in the table cannot ship.
func TestMappingsUseAddonVars(t *testing.T) {
	for _, a := range addons {
		for _, kv := range a.env {
			refs, err := environ.Refs(kv[1])
			if err != nil {
				t.Errorf("%s: %s = %q: %v", a.name, kv[0], kv[1], err)
			}
			for _, r := range refs {
				if got, ok := environ.Addon(r); !ok || got != a.name {
					t.Errorf("%s: %s reads %s, which the %s addon does not set", a.name, kv[0], r, a.name)
				}
			}
		}
	}
}

func TestAllAddonsTogether(t *testing.T) {
	out := mustGenerate(t, Options{Port: 80, Addons: append([]string{"REDIS", "redis"}, Addons()...)})
	if strings.Count(out, "\nDATABASE_URL = ") != 1 || !strings.Contains(out, "\nPOSTGRESQL_DATABASE_URL = ") {
		t.Errorf("mysql and postgresql together must not both set DATABASE_URL:\n%s", out)
	}
	if !strings.Contains(out, "# [tasks.cron]") || !strings.Contains(out, `# when = "CLOUDRON_LDAP_SERVER"`) {
		t.Errorf("scheduler and ldap examples missing:\n%s", out)
	}
}

// TestOrderOfFlags: the output depends on the set of addons, not on the
// order of the flags.
func TestOrderOfFlags(t *testing.T) {
	a := mustGenerate(t, Options{Addons: []string{"redis", "mysql"}})
	b := mustGenerate(t, Options{Addons: []string{"mysql", "redis", "mysql"}})
	if a != b {
		t.Errorf("flag order changed the output")
	}
}

// TestExamplesParse removes the comment marks from every example block
// and parses the whole file: no example may be broken when uncommented.
func TestExamplesParse(t *testing.T) {
	for _, opt := range []Options{{}, {Addons: Addons()}} {
		out := mustGenerate(t, opt)
		var b strings.Builder
		for _, l := range strings.Split(out, "\n") {
			if rest, ok := strings.CutPrefix(l, "# "); ok && looksLikeTOML(rest) {
				l = rest
			}
			b.WriteString(l + "\n")
		}
		s, err := spec.Parse("uncommented.toml", []byte(b.String()))
		if err != nil {
			t.Fatalf("the examples do not parse when uncommented:\n%v\n%s", err, b.String())
		}
		if s.FirstRun == nil || s.OnUpgrade == nil || len(s.OnStart) == 0 || s.Workers == nil || len(s.Dirs) == 0 ||
			len(s.Seed) == 0 || len(s.Secrets) == 0 || len(s.Templates) == 0 || len(s.Patch) == 0 || len(s.EnvFile) == 0 ||
			len(s.Remove) == 0 || s.Program("app").HealthCheck == nil {
			t.Errorf("an example is missing: %+v", s)
		}
	}
}

// looksLikeTOML tells an example line from a prose comment: a table
// header, or key = value.
func looksLikeTOML(l string) bool {
	if strings.HasPrefix(l, "[") {
		return true
	}
	k, _, ok := strings.Cut(l, " = ")
	return ok && !strings.Contains(k, " ")
}

func TestBadOptions(t *testing.T) {
	if _, err := Generate(Options{Addons: []string{"postgres"}}); err == nil || !strings.Contains(err.Error(), "postgresql") {
		t.Errorf("unknown addon: err = %v, want one listing postgresql", err)
	}
	for _, p := range []int{-1, 65536} {
		if _, err := Generate(Options{Port: p}); err == nil {
			t.Errorf("port %d: want an error", p)
		}
	}
}
