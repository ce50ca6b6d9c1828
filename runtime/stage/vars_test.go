package stage

import (
	"errors"
	"strings"
	"testing"

	"appstart/runtime/environ"
)

func TestEnvDefaultsOnlyWhereUnset(t *testing.T) {
	s := parseSpec(t, `
[env_defaults]
CLOUDRON_APP_ORIGIN = "http://localhost:3000"
CLOUDRON_MAIL_FROM = "app@localhost"
[env]
APP_URL = "${CLOUDRON_APP_ORIGIN}/"
DATABASE_URL = "postgres://app:${DB_PASSWORD|url}@db/app"
DB_URL_COPY = "${DATABASE_URL}"
`)
	e := newEnv(t, s, "CLOUDRON_APP_ORIGIN=https://app.example", "DB_PASSWORD=p@ss/w")
	if err := runStage(t, e, "env"); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"APP_URL":            "https://app.example/",
		"CLOUDRON_MAIL_FROM": "app@localhost",
		"DATABASE_URL":       "postgres://app:p%40ss%2Fw@db/app",
		"DB_URL_COPY":        "postgres://app:p%40ss%2Fw@db/app",
	} {
		if v, _ := e.Vars.Lookup(name); v != want {
			t.Errorf("%s=%q, want %q", name, v, want)
		}
	}
	v, _ := e.Vars.Var("CLOUDRON_APP_ORIGIN")
	if v.Source != environ.Inherited {
		t.Errorf("CLOUDRON_APP_ORIGIN source %v: the default replaced the platform's value", v.Source)
	}
}

func TestEnvReportsEveryMissingVariableAtOnce(t *testing.T) {
	s := parseSpec(t, `
[env_defaults]
FROM_DEFAULT = "${NO_DEFAULT_SOURCE}"
[env]
DATABASE_URL = "postgres://${CLOUDRON_POSTGRESQL_USERNAME}:${CLOUDRON_POSTGRESQL_PASSWORD}@db"
MAIL = "${CLOUDRON_MAIL_SMTP_SERVER}"
LDAP = "${CLOUDRON_LDAP_SERVER:-}"
`)
	err := runStage(t, newEnv(t, s), "env")
	var ee *environ.Error
	if !errors.As(err, &ee) {
		t.Fatalf("err = %v, want an *environ.Error", err)
	}
	want := []string{"CLOUDRON_MAIL_SMTP_SERVER", "CLOUDRON_POSTGRESQL_PASSWORD", "CLOUDRON_POSTGRESQL_USERNAME", "NO_DEFAULT_SOURCE"}
	if got := ee.Unset(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("unset %v, want %v", got, want)
	}
	for _, key := range []string{"env_defaults.FROM_DEFAULT", "env.DATABASE_URL", "env.MAIL"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error does not name %s: %v", key, err)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}
}

func TestEnvPlanMasksSecrets(t *testing.T) {
	s := parseSpec(t, `
[env]
DATABASE_URL = "postgres://app:${CLOUDRON_POSTGRESQL_PASSWORD|url}@db/app"
`)
	e := newEnv(t, s, "CLOUDRON_POSTGRESQL_PASSWORD=hunter2hunter2")
	var plan []string
	e.DryRun, e.Plan = true, func(l string) { plan = append(plan, l) }
	if err := runStage(t, e, "env"); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	if strings.Contains(text, "hunter2") {
		t.Errorf("plan shows the password:\n%s", text)
	}
	for _, want := range []string{
		"env: DATABASE_URL=postgres://app:****@db/app (env.DATABASE_URL)",
		"env: CLOUDRON_POSTGRESQL_PASSWORD=**** (environment)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("plan lacks %q:\n%s", want, text)
		}
	}
}
