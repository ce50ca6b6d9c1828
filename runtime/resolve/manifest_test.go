package resolve

import (
	"strings"
	"testing"

	"appstart/runtime/environ"
	"appstart/runtime/manifest"
	"appstart/runtime/supervise"
)

func mustManifest(t *testing.T, src string) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m.File = "/app/pkg/CloudronManifest.json"
	return m
}

// TestManifestAddonWarnings: a variable of an addon the manifest does not
// declare is warned at the key (and the template line) that uses it; a
// declared addon whose variables the spec never names is warned at its
// manifest line; addons without variables and the platform's own are not.
func TestManifestAddonWarnings(t *testing.T) {
	fx := newFixture()
	fx.im.file("/app/pkg/mail.conf.template", 0o644, 0, 0, "host ##CLOUDRON_MAIL_SMTP_SERVER\nport ##CLOUDRON_MAIL_SMTP_PORT\n")
	src := `
[env]
DATABASE_URL = "${CLOUDRON_POSTGRESQL_URL}"
ORIGIN = "${CLOUDRON_APP_ORIGIN}"

[[templates]]
source = "/app/pkg/mail.conf.template"
target = "/run/mail.conf"

[programs.web]
command = "exec node server.js --redis $CLOUDRON_REDIS_URL"
`
	m := mustManifest(t, `{
  "version": "1.0.0",
  "httpPort": 3000,
  "addons": {
    "localstorage": {},
    "postgresql": {},
    "ldap": {}
  }
}`)
	f := fx.facts().WithManifest(m)
	plan, probs := Resolve(parse(t, src), f, Input{Mode: Check})
	if probs != nil {
		t.Fatalf("Resolve: %v", probs)
	}
	var got []string
	for _, w := range plan.ManifestWarnings() {
		got = append(got, w.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		"/app/pkg/mail.conf.template:1: CLOUDRON_MAIL_SMTP_SERVER belongs to the sendmail addon, which /app/pkg/CloudronManifest.json does not declare",
		"/app/pkg/mail.conf.template:2: CLOUDRON_MAIL_SMTP_PORT belongs to the sendmail addon",
		"appstart.toml:11: programs.web.command: CLOUDRON_REDIS_URL belongs to the redis addon",
		"/app/pkg/CloudronManifest.json:7: addons.ldap: the spec never uses the ldap addon's variables",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "postgresql") || strings.Contains(all, "localstorage") || strings.Contains(all, "APP_ORIGIN") || len(got) != 4 {
		t.Errorf("want exactly the four warnings above:\n%s", all)
	}
	if plan, _ := Resolve(parse(t, src), fx.facts(), Input{Mode: Check}); plan.ManifestWarnings() != nil {
		t.Error("no manifest: no warnings")
	}
}

// TestManifestGivesMainProgramProbes: httpPort + healthCheckPath become the
// main program's ready and healthcheck when it writes neither; a written
// one wins; the main program is the one whose probe names the port, else
// the only autostart one.
func TestManifestGivesMainProgramProbes(t *testing.T) {
	fx := newFixture()
	m := mustManifest(t, `{"httpPort": 8000, "healthCheckPath": "/healthz", "addons": {}}`)
	bind := func(src string) []Program {
		t.Helper()
		plan, probs := Resolve(parse(t, src), fx.facts().WithManifest(m), Input{Mode: Run})
		if probs != nil {
			t.Fatal(probs)
		}
		progs, bprobs := plan.Bind(environ.New(fx.env), nil)
		if bprobs != nil {
			t.Fatal(bprobs)
		}
		return progs
	}
	want := supervise.HTTPProbe{URL: "http://127.0.0.1:8000/healthz"}
	web := one(t, bind("[programs.web]\ncommand = [\"node\"]\n"), "web")
	if web.Ready != want || web.Health == nil || web.Health.Probe != want || web.Health.Retries != 3 {
		t.Errorf("the only program: Ready %v Health %+v; want both %v", web.Ready, web.Health, want)
	}
	two := bind(`
[programs.web]
command = ["node"]
healthcheck = { tcp = "127.0.0.1:8000" }
[programs.worker]
command = ["node"]
`)
	w := one(t, two, "web")
	if w.Ready != want || w.Health == nil || w.Health.Probe != (supervise.TCPProbe{Addr: "127.0.0.1:8000"}) {
		t.Errorf("web names the port: Ready %v (want the manifest's), Health %+v (want its own tcp)", w.Ready, w.Health)
	}
	if wk := one(t, two, "worker"); wk.Ready != nil || wk.Health != nil {
		t.Errorf("worker is not main: Ready %v Health %v", wk.Ready, wk.Health)
	}
	none := bind("[programs.a]\ncommand = [\"node\"]\n[programs.b]\ncommand = [\"node\"]\n")
	if one(t, none, "a").Ready != nil || one(t, none, "b").Ready != nil {
		t.Error("two programs, none naming the port: neither is main")
	}
	if name, why := MainProgram(parse(t, "[programs.a]\ncommand = [\"node\"]\n[programs.b]\ncommand = [\"node\"]\n"), m); name != "" || !strings.Contains(why, "none names the manifest's httpPort 8000") {
		t.Errorf("MainProgram = %q, %q", name, why)
	}
}
