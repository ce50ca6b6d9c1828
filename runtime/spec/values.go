package spec

import (
	"strconv"
	"strings"
)

// Pair is one NAME = "value" entry of a table whose order matters ([env],
// a program's environment, a patch's set): the spec keeps the order
// written, because a later [env] entry may use an earlier one. Values hold
// ${VAR} expressions, expanded at run time by runtime/environ.
type Pair struct {
	Name  string
	Value string
}

// Command is what to run: exactly one of Argv (exec'd directly, each
// element ${VAR}-expanded from the command's own environment at run time)
// or Shell (run as /bin/sh -c Shell, unexpanded, since the shell expands
// its own variables and expanding first would let a value holding quotes
// rewrite the command line).
//
//	command = ["node", "server.js"]   // Command{Argv: []string{"node", "server.js"}}
//	command = "exec node server.js"   // Command{Shell: "exec node server.js"}
type Command struct {
	Argv  []string
	Shell string
}

// String shows the command for plans and logs: the shell line as is, or
// the argv with elements quoted where they hold blanks or quotes.
func (c Command) String() string {
	if c.Argv == nil {
		return c.Shell
	}
	q := make([]string, len(c.Argv))
	for i, a := range c.Argv {
		q[i] = a
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\") {
			q[i] = strconv.Quote(a)
		}
	}
	return strings.Join(q, " ")
}

// Cond is a `when` or `unless` condition: Var set to a non-empty value, or
// Path existing. The zero Cond is "no condition".
//
//	when = "CLOUDRON_LDAP_SERVER"       // Cond{Var: "CLOUDRON_LDAP_SERVER"}
//	unless = "exists:/app/data/.skip"   // Cond{Path: "/app/data/.skip"}
type Cond struct {
	Var  string
	Path string
}

// IsZero reports whether c is no condition.
func (c Cond) IsZero() bool { return c.Var == "" && c.Path == "" }

// String returns c as written in the spec.
func (c Cond) String() string {
	if c.Path != "" {
		return "exists:" + c.Path
	}
	return c.Var
}

// Holds evaluates c; the zero Cond holds.
func (c Cond) Holds(lookup func(string) (string, bool), exists func(string) bool) bool {
	switch {
	case c.Var != "":
		v, _ := lookup(c.Var)
		return v != ""
	case c.Path != "":
		return exists(c.Path)
	}
	return true
}

// Skip reports whether an entry carrying when and unless is skipped now,
// and why, in the words `appstart plan` prints:
//
//	skip, why := spec.Skip(t.When, t.Unless, env.Lookup, exists)
//	// true, "when CLOUDRON_LDAP_SERVER: not set"
func Skip(when, unless Cond, lookup func(string) (string, bool), exists func(string) bool) (bool, string) {
	if !when.Holds(lookup, exists) {
		if when.Path != "" {
			return true, "when " + when.String() + ": does not exist"
		}
		return true, "when " + when.String() + ": not set"
	}
	if !unless.IsZero() && unless.Holds(lookup, exists) {
		if unless.Path != "" {
			return true, "unless " + unless.String() + ": exists"
		}
		return true, "unless " + unless.String() + ": set"
	}
	return false, ""
}

// ProbeKind says how a Probe checks a program.
type ProbeKind string

// The probe kinds. ProbeNone is the zero Probe: no check.
const (
	ProbeNone    ProbeKind = ""
	ProbeTCP     ProbeKind = "tcp"     // connect to Target, "host:port"
	ProbeHTTP    ProbeKind = "http"    // GET Target, an http:// or https:// URL; < 400 passes
	ProbeFile    ProbeKind = "file"    // Target, an absolute path, exists
	ProbeCommand ProbeKind = "command" // Command exits 0
)

// Probe is a readiness or health check.
//
//	ready = "tcp://127.0.0.1:3000"   // Probe{Kind: ProbeTCP, Target: "127.0.0.1:3000"}
//	ready = "file:/run/app.sock"     // Probe{Kind: ProbeFile, Target: "/run/app.sock"}
//	ready = "redis-cli ping"         // Probe{Kind: ProbeCommand, Command: Command{Shell: "redis-cli ping"}}
type Probe struct {
	Kind    ProbeKind
	Target  string
	Command Command
}

// String returns p in the spec's notation.
func (p Probe) String() string {
	switch p.Kind {
	case ProbeTCP:
		return "tcp://" + p.Target
	case ProbeFile:
		return "file:" + p.Target
	case ProbeCommand:
		return p.Command.String()
	}
	return p.Target
}

// Encoding is how a generated secret's random bytes are written.
type Encoding string

// The secret encodings.
const (
	EncodingHex       Encoding = "hex"
	EncodingBase64    Encoding = "base64"    // standard, padded
	EncodingBase64URL Encoding = "base64url" // URL-safe, unpadded
	EncodingAlnum     Encoding = "alnum"     // letters and digits, one per byte (unbiased)
)

// Escape is a template's quoting of inserted values (appstart/templates).
type Escape string

// The template escapes.
const (
	EscapeNone  Escape = "none"
	EscapePHP   Escape = "php"
	EscapeJSON  Escape = "json"
	EscapeYAML  Escape = "yaml"
	EscapeShell Escape = "shell"
	EscapeXML   Escape = "xml"
	EscapeURL   Escape = "url"
)

// Format is a patched file's format (runtime/patch).
type Format string

// The patch formats.
const (
	FormatINI    Format = "ini"
	FormatDotenv Format = "dotenv"
	FormatJSON   Format = "json"
	FormatYAML   Format = "yaml"
	// FormatProperties is Java's .properties (keycloak.conf, application.properties).
	FormatProperties Format = "properties"
)

// Dialect is how an ini file's values are written (runtime/patch).
type Dialect string

// The ini dialects.
const (
	// DialectRaw never quotes, as crudini writes and Python's configparser
	// reads (the default).
	DialectRaw Dialect = "raw"
	// DialectPHP quotes a value PHP's parse_ini_file would misread raw.
	DialectPHP Dialect = "php"
)

// AutoRestart is supervisord's autorestart.
type AutoRestart string

// The restart policies.
const (
	RestartUnexpected AutoRestart = "unexpected" // exit code not in exitcodes, or killed by a signal
	RestartAlways     AutoRestart = "always"
	RestartNever      AutoRestart = "never"
)

// OnUnhealthy is what a program that fails its health check does.
type OnUnhealthy string

// The on_unhealthy actions.
const (
	UnhealthyRestart OnUnhealthy = "restart"
	UnhealthyStop    OnUnhealthy = "stop" // stop everything; appstart exits non-zero
)

// OnFatal is what happens when a program exhausts startretries.
type OnFatal string

// The on_fatal actions.
const (
	FatalStop   OnFatal = "stop" // stop everything so the platform restarts the container
	FatalIgnore OnFatal = "ignore"
)
