package scaffold

// addon is what `appstart init --addon NAME` adds for one Cloudron addon:
// the variables the platform sets (from environ.AddonVars, listed as a
// comment so the author knows what ${VAR} and ##VAR can use), example
// [env] entries mapping them to the names apps usually read, and a note.
type addon struct {
	name string
	// env are example NAME = "value" lines for [env], in order.
	env [][2]string
	// note is a comment line about the addon, "" for none.
	note string
}

// addons is every addon init knows, in the order their parts are written
// (so the output does not depend on the order of the flags).
var addons = []addon{
	{name: "mysql", env: [][2]string{
		{"DATABASE_URL", "mysql://${CLOUDRON_MYSQL_USERNAME}:${CLOUDRON_MYSQL_PASSWORD|url}@${CLOUDRON_MYSQL_HOST}:${CLOUDRON_MYSQL_PORT}/${CLOUDRON_MYSQL_DATABASE}"},
	}},
	{name: "postgresql", env: [][2]string{{"DATABASE_URL", "${CLOUDRON_POSTGRESQL_URL}"}}},
	{name: "mongodb", env: [][2]string{{"MONGODB_URL", "${CLOUDRON_MONGODB_URL}"}}},
	{name: "redis", env: [][2]string{{"REDIS_URL", "${CLOUDRON_REDIS_URL}"}}},
	{name: "sendmail", env: [][2]string{
		{"SMTP_HOST", "${CLOUDRON_MAIL_SMTP_SERVER:-}"},
		{"SMTP_PORT", "${CLOUDRON_MAIL_SMTP_PORT:-}"},
		{"SMTP_USERNAME", "${CLOUDRON_MAIL_SMTP_USERNAME:-}"},
		{"SMTP_PASSWORD", "${CLOUDRON_MAIL_SMTP_PASSWORD:-}"},
		{"MAIL_FROM", "${CLOUDRON_MAIL_FROM:-}"},
	}, note: "with optional: true in the manifest, all of them are absent when the admin set up another mail server; hence ${VAR:-}"},
	{name: "recvmail", env: [][2]string{
		{"IMAP_HOST", "${CLOUDRON_MAIL_IMAP_SERVER:-}"},
		{"IMAP_PORT", "${CLOUDRON_MAIL_IMAP_PORT:-}"},
		{"IMAP_USERNAME", "${CLOUDRON_MAIL_IMAP_USERNAME:-}"},
		{"IMAP_PASSWORD", "${CLOUDRON_MAIL_IMAP_PASSWORD:-}"},
	}, note: "absent when the domain receives no mail; hence ${VAR:-}"},
	{name: "email", note: "for webmail clients: the mail server's own ports and domains"},
	{name: "ldap", env: [][2]string{
		{"LDAP_URL", "${CLOUDRON_LDAP_URL:-}"},
		{"LDAP_BIND_DN", "${CLOUDRON_LDAP_BIND_DN:-}"},
		{"LDAP_BIND_PASSWORD", "${CLOUDRON_LDAP_BIND_PASSWORD:-}"},
		{"LDAP_USERS_BASE_DN", "${CLOUDRON_LDAP_USERS_BASE_DN:-}"},
	}, note: `with optionalSso, all of them are absent when the admin turned login with Cloudron off: use when = "CLOUDRON_LDAP_SERVER" on what needs them`},
	{name: "oidc", env: [][2]string{
		{"OIDC_ISSUER", "${CLOUDRON_OIDC_ISSUER:-}"},
		{"OIDC_CLIENT_ID", "${CLOUDRON_OIDC_CLIENT_ID:-}"},
		{"OIDC_CLIENT_SECRET", "${CLOUDRON_OIDC_CLIENT_SECRET:-}"},
	}, note: `absent when login with Cloudron is off (optionalSso): use when = "CLOUDRON_OIDC_ISSUER" on what needs them`},
	{name: "turn", env: [][2]string{{"TURN_SECRET", "${CLOUDRON_TURN_SECRET}"}}},
	{name: "docker"},
	{name: "localstorage", note: "gives /app/data, the only place that survives an update: see [[chown]] below"},
	{name: "tls", note: "the certificate is in /etc/certs/tls_cert.pem and /etc/certs/tls_key.pem (read-only; the app restarts on renewal)"},
	{name: "scheduler", note: "tasks run `appstart task NAME` in a sibling container: see [tasks.cron] below"},
	{name: "proxyauth", note: "the platform puts a login wall in front of the app; /login and /logout are reserved"},
}

// Addons lists the addon names init accepts, in the order it writes them.
func Addons() []string {
	out := make([]string, len(addons))
	for i, a := range addons {
		out[i] = a.name
	}
	return out
}

func findAddon(name string) (addon, bool) {
	for _, a := range addons {
		if a.name == name {
			return a, true
		}
	}
	return addon{}, false
}
