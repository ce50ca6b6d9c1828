package environ

import (
	"strings"
	"sync"
)

// addonVars lists the variables each Cloudron addon sets (manifest version 2
// names without the CLOUDRON_ prefix; version 1 packages get them unprefixed),
// from the platform's addon reference. `appstart check` uses it to accept
// placeholders an addon will fill, and errors use it to say which addon
// normally provides a missing variable.
// Built on first use: only check and error messages need it.
var addonVars = sync.OnceValue(func() map[string][]string {
	return map[string][]string{
		"platform":   {"APP_ORIGIN", "APP_DOMAIN", "WEBADMIN_ORIGIN", "API_ORIGIN", "PROXY_IP", "APP_HOSTNAME", "ADMIN_EMAIL", "ALIAS_DOMAINS"},
		"mysql":      {"MYSQL_URL", "MYSQL_USERNAME", "MYSQL_PASSWORD", "MYSQL_HOST", "MYSQL_PORT", "MYSQL_DATABASE", "MYSQL_DATABASE_PREFIX"},
		"postgresql": {"POSTGRESQL_URL", "POSTGRESQL_USERNAME", "POSTGRESQL_PASSWORD", "POSTGRESQL_HOST", "POSTGRESQL_PORT", "POSTGRESQL_DATABASE"},
		"mongodb":    {"MONGODB_URL", "MONGODB_USERNAME", "MONGODB_PASSWORD", "MONGODB_HOST", "MONGODB_PORT", "MONGODB_DATABASE", "MONGODB_OPLOG_URL"},
		"redis":      {"REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD"},
		"sendmail":   {"MAIL_SMTP_SERVER", "MAIL_SMTP_PORT", "MAIL_SMTPS_PORT", "MAIL_STARTTLS_PORT", "MAIL_SMTP_USERNAME", "MAIL_SMTP_PASSWORD", "MAIL_FROM", "MAIL_FROM_DISPLAY_NAME", "MAIL_DOMAIN"},
		"recvmail":   {"MAIL_IMAP_SERVER", "MAIL_IMAP_PORT", "MAIL_IMAPS_PORT", "MAIL_POP3_PORT", "MAIL_POP3S_PORT", "MAIL_IMAP_USERNAME", "MAIL_IMAP_PASSWORD", "MAIL_TO", "MAIL_TO_DOMAIN"},
		"email":      {"EMAIL_SMTP_SERVER", "EMAIL_SMTP_PORT", "EMAIL_SMTPS_PORT", "EMAIL_STARTTLS_PORT", "EMAIL_IMAP_SERVER", "EMAIL_IMAP_PORT", "EMAIL_IMAPS_PORT", "EMAIL_SIEVE_SERVER", "EMAIL_SIEVE_PORT", "EMAIL_DOMAIN", "EMAIL_DOMAINS", "EMAIL_SERVER_HOST"},
		"ldap":       {"LDAP_SERVER", "LDAP_HOST", "LDAP_PORT", "LDAP_URL", "LDAP_USERS_BASE_DN", "LDAP_GROUPS_BASE_DN", "LDAP_BIND_DN", "LDAP_BIND_PASSWORD"},
		"oidc":       {"OIDC_PROVIDER_NAME", "OIDC_DISCOVERY_URL", "OIDC_ISSUER", "OIDC_AUTH_ENDPOINT", "OIDC_TOKEN_ENDPOINT", "OIDC_KEYS_ENDPOINT", "OIDC_PROFILE_ENDPOINT", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"},
		"turn":       {"TURN_SERVER", "TURN_PORT", "TURN_TLS_PORT", "TURN_SECRET"},
		"docker":     {"DOCKER_HOST"},
	}
})

// Built on first use: most starts never ask (it serves check and errors).
var addonOf = sync.OnceValue(func() map[string]string {
	m := map[string]string{"CLOUDRON": "platform"}
	for addon, vars := range addonVars() {
		for _, v := range vars {
			m[v] = addon
		}
	}
	return m
})

// Addon names the Cloudron addon that sets the variable name, in its current
// (CLOUDRON_POSTGRESQL_HOST) or old (POSTGRESQL_HOST) form:
//
//	Addon("CLOUDRON_POSTGRESQL_PASSWORD") // "postgresql", true
//	Addon("MAIL_SMTP_SERVER")             // "sendmail", true
//	Addon("APP_SECRET")                   // "", false
func Addon(name string) (string, bool) {
	if a, ok := addonOf()[name]; ok {
		return a, true
	}
	if rest, ok := strings.CutPrefix(name, "CLOUDRON_"); ok {
		a, ok := addonOf()[rest]
		return a, ok
	}
	return "", false
}

// AddonVars lists the variables an addon sets, with the CLOUDRON_ prefix.
func AddonVars(addon string) []string {
	vs := addonVars()[addon]
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = "CLOUDRON_" + v
	}
	return out
}
