// Package scaffold writes the starting appstart.toml of `appstart init
// [--port N] [--addon NAME]...` (issue 8): no questions asked, the result
// passes `appstart check` as it is, and every stage has a commented
// example to uncomment. Each addon adds a comment listing the variables
// the platform sets for it (environ.AddonVars: what ${VAR} in the spec and
// ##VAR in templates can use) and [env] entries mapping them to the names
// apps usually read; addons whose variables may be absent (optional
// sendmail, optionalSso ldap/oidc) map with ${VAR:-} and show a `when`.
//
//	appstart init --port 8080 --addon postgresql --addon sendmail > appstart.toml
package scaffold
