package schema

import (
	"strings"
	"testing"

	"appstart/runtime/spec"
)

// The schema must never be stricter than appstart check: each snippet
// here is accepted by spec.Parse (checked, so the case proves something)
// and must pass the schema; each value covers a kind's less common forms.
var acceptedSnippets = []string{
	"[[dirs]]\npath = \"/run/a\"\nmode = \"750\"",
	"[[dirs]]\npath = \"/app/data\"\nmode = \"07777\"\nowner = \"1000:1000\"\nwhen = \"exists:/app/data/x\"",
	"[[dirs]]\npath = \"/tmp/a$b\"\nowner = \"www-data\"\nunless = \"CLOUDRON_LDAP_SERVER\"",
	"[workers]\nper_worker = \"150M\"\nunlimited = \"2GiB\"",
	"[workers]\nper_worker = \"1.5g\"\nmax = 8",
	"[workers]\nper_worker = \"150 MB\"",
	"[workers]\nper_worker = 157286400\nunlimited = \"100kb\"",
	"[programs.web]\ncommand = [\"node\"]\nready_timeout = \"1m30s\"\nstartsecs = 0\nstopwaitsecs = \"1.5s\"",
	"[programs.web]\ncommand = \"exec node server.js\"\nstopsignal = \"sigquit\"\nforward = [\"hup\", \"SIGUSR2\"]",
	"[programs.web]\ncommand = [\"node\"]\nstopsignal = \"winch\"\ninstances = \"${WORKERS:-2}\"",
	"[programs.web]\ncommand = [\"node\"]\ninstances = 2\nready = \"pg_isready -q\"",
	"[programs.web]\ncommand = [\"node\"]\ninstances = \"3\"\nready = \"file:/run/x\"\nexitcodes = [0, 2, 255]",
	"[programs.web]\ncommand = [\"node\"]\nschedule = \"@daily\"",
	"[programs.web]\ncommand = [\"node\"]\nschedule = \"*/5 * * * *\"",
	"[programs.db]\ncommand = [\"pg\"]\nhealthcheck = { tcp = \"tcp://127.0.0.1:5432\", start_period = \"0\" }\n[programs.web]\ncommand = [\"n\"]\nafter = [\"db\"]\nhealthcheck = { http = \"http://x/\" }",
	"[programs.\"php7.4-fpm\"]\ncommand = [\"php-fpm\"]\nhealthcheck = { command = [\"true\"], interval = \"10s\" }\nlog_prefix = \"\"",
	"[[patch]]\nfile = \"/app/data/c.ini\"\nset = { mail = { host = \"x\" }, \"a.b\" = \"y\" }\ndefaults = { k = \"v\" }",
	"[first_run]\ncommands = [[\"a\"], { command = \"x y\", creates = \"/app/data/z\" }]",
	"[[first_run.commands]]\ncommand = [\"a\"]\nuser = \"root\"\n[[first_run.commands]]\ncommand = \"b\"",
	"remove = [\"/run/apache2/*.pid\"]\nenv_file = [\"/app/data/env\"]\noverridable = [\"A\"]\n[env]\nA = \"${CLOUDRON_APP_ORIGIN|url}\"\n[env_defaults]\nCLOUDRON_APP_ORIGIN = \"x\"",
	"[tasks.cron]\ncommand = [\"php\", \"cron.php\"]\nenvironment = { A = \"b\" }",
	"[[secrets]]\nname = \"S\"\nfile = \"/app/data/s\"\nencoding = \"base64url\"\nbytes = 1",
}

// rejectedSnippets fail both spec.Parse and the schema: the value-level
// negative control.
var rejectedSnippets = []string{
	"[[dirs]]\npath = \"/run/a\"\nmode = 750",
	"[[dirs]]\npath = \"/run/a\"\nmode = \"0999\"",
	"[[dirs]]\npath = \"/etc/a\"",
	"[[dirs]]\npath = \"/run/${X}\"",
	"[[dirs]]\npath = \"/run/a\"\nowner = \"bad user\"",
	"[programs.web]\ncommand = [\"node\"]\nstopsignal = 15",
	"[programs.web]\ncommand = [\"node\"]\ninstances = 0",
	"[programs.web]\ncommand = [\"node\"]\nautorestart = \"Always\"",
	"[programs.web]\ncommand = []",
	"[programs.web]\ncommand = [\"node\"]\nexitcodes = [256]",
	"[programs.web]\ncommand = [\"node\"]\nstartsecs = -1",
	"[programs.web]\ncommand = [\"node\"]\nready_timeout = 10",
	"[programs.web]\ncomand = [\"node\"]",
	"[programs.\"a b\"]\ncommand = [\"node\"]",
	"[env]\n1X = \"a\"",
	"[workers]\nper_worker = \"150Q\"",
	"[workers]\nmin = 1",
	"[[secrets]]\nname = \"S\"\nfile = \"/app/data/s\"\nencoding = \"hexa\"",
	"user = 1000",
}

func TestNeverStricter(t *testing.T) {
	v := mustValidator(t)
	for _, s := range acceptedSnippets {
		if _, err := spec.Parse("snippet.toml", []byte(s)); err != nil {
			t.Errorf("test case is not a valid spec:\n%s\n%v", s, err)
			continue
		}
		if errs := v.validate(decodeTOML(t, []byte(s))); len(errs) > 0 {
			t.Errorf("the schema rejects a spec appstart accepts:\n%s\n%s", s, strings.Join(errs, "\n"))
		}
	}
}

func TestRejects(t *testing.T) {
	v := mustValidator(t)
	for _, s := range rejectedSnippets {
		if _, err := spec.Parse("snippet.toml", []byte(s)); err == nil {
			t.Errorf("test case is a valid spec, so it proves nothing:\n%s", s)
		}
		if errs := v.validate(decodeTOML(t, []byte(s))); len(errs) == 0 {
			t.Errorf("the schema accepts a broken spec:\n%s", s)
		}
	}
}

// TestEveryKind: each kind in the key table has a schema of its own, not
// the accept-anything fallback.
func TestEveryKind(t *testing.T) {
	var walk func(ks []spec.Key)
	walk = func(ks []spec.Key) {
		for _, k := range ks {
			if len(kindSchema(k).keys) == 0 {
				t.Errorf("%s: kind %s has no schema in kindSchema", k.Name, k.Kind)
			}
			walk(k.Keys)
		}
	}
	walk(spec.KnownKeys())
}
