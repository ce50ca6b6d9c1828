package scaffold

import "slices"

// The commented examples, one per stage, each a complete TOML block that
// the tests parse (uncommented, all together) with spec.Parse.

const (
	firstRunExample = `[first_run]
commands = [["/app/pkg/first-run.sh"]]`
	onUpgradeExample = `[on_upgrade]
commands = [["/app/code/bin/migrate"]]`
	onStartExample = `[[on_start]]
command = ["/app/code/bin/cache-clear"]`
	tasksExample = `[tasks.cron]
command = ["/app/code/bin/cron"]`
)

// stageExamples are the examples of the stages between env and chown, in
// stage order, with the addon-specific ones where their addon is chosen.
func stageExamples(chosen []addon) []example {
	has := func(name string) bool {
		return slices.ContainsFunc(chosen, func(a addon) bool { return a.name == name })
	}
	exs := []example{
		{"directories made on every start, usually under /run (the root is read-only)", `[[dirs]]
path = "/run/app/sessions"
owner = "cloudron:cloudron"
mode = "0750"`},
		{"defaults copied from the image only where missing, never overwritten", `[[seed]]
from = "/app/code/config.default/"
to = "/app/data/config/"`},
		{"a random secret made once and kept; exported as $APP_SECRET and ##APP_SECRET", `[[secrets]]
name = "APP_SECRET"
file = "/app/data/.app_secret"
bytes = 32
encoding = "hex"`},
		{"a worker count from the container's memory limit, exported as $WORKERS", `[workers]
per_worker = "150M"
max = 8`},
		{"a config file rendered from ##VAR placeholders on every start", `[[templates]]
source = "/app/pkg/config.json.template"
target = "/run/app/config.json"
escape = "json"`},
	}
	if has("ldap") {
		exs = append(exs, example{"rendered only when login with Cloudron is on", `[[templates]]
source = "/app/pkg/ldap.json.template"
target = "/run/app/ldap.json"
escape = "json"
when = "CLOUDRON_LDAP_SERVER"`})
	}
	patch := example{"managed keys set in a file the admin may edit; everything else in it is kept", `[[patch]]
file = "/app/data/config.ini"
set = { "app.url" = "${CLOUDRON_APP_ORIGIN}" }`}
	if has("sendmail") {
		patch = example{"managed keys set in a file the admin may edit; everything else in it is kept", `[[patch]]
file = "/app/data/config.ini"
set = { "app.url" = "${CLOUDRON_APP_ORIGIN}", "mail.host" = "${CLOUDRON_MAIL_SMTP_SERVER}", "mail.port" = "${CLOUDRON_MAIL_SMTP_PORT}" }
when = "CLOUDRON_MAIL_SMTP_SERVER"`}
	}
	return append(exs, patch)
}
