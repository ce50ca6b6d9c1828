package spec

import (
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Converters turn one decoded TOML value into the Go value of its kind, or
// return the message of a Problem. Messages say what was found and what to
// write instead.

// describe names a TOML value for messages: `the integer 750`.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case int64:
		return fmt.Sprintf("the integer %d", v)
	case float64:
		return fmt.Sprintf("the float %v", v)
	case bool:
		return fmt.Sprintf("the boolean %v", v)
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return "a date"
}

func want(what string, v any) string { return fmt.Sprintf("want %s, not %s", what, describe(v)) }

func toString(v any, what string) (string, string) {
	s, ok := v.(string)
	if !ok {
		return "", want(what, v)
	}
	return s, ""
}

func toStrings(v any, what string) ([]string, []issue) {
	return eachString(v, what, nil)
}

// eachString checks that v is an array of strings and passes each string
// element to check (which may be nil), collecting a problem per element.
func eachString(v any, what string, check func(s string, prev []string) string) ([]string, []issue) {
	arr, ok := v.([]any)
	if !ok {
		if s, isStr := v.(string); isStr {
			return nil, []issue{{0, fmt.Sprintf("want an array of %s: write [%q]", what, s)}}
		}
		return nil, []issue{{0, want("an array of "+what, v)}}
	}
	out := make([]string, len(arr))
	var iss []issue
	for i, e := range arr {
		s, ok := e.(string)
		switch {
		case !ok:
			iss = append(iss, issue{i + 1, want("a string", e)})
		case check != nil:
			if msg := check(s, out[:i]); msg != "" {
				iss = append(iss, issue{i + 1, msg})
			}
		}
		out[i] = s
	}
	return out, iss
}

// twice is the check message for an element already in prev.
func twice(s string, prev []string) string {
	if slices.Contains(prev, s) {
		return fmt.Sprintf("%s is listed twice", s)
	}
	return ""
}

func convInt(v any, min, max int) (any, string) {
	n, ok := v.(int64)
	if !ok {
		if s, isStr := v.(string); isStr {
			if _, err := strconv.Atoi(s); err == nil {
				return nil, fmt.Sprintf("want an integer, not the string %q: remove the quotes", s)
			}
		}
		return nil, want("an integer", v)
	}
	if n < int64(min) {
		return nil, fmt.Sprintf("must be at least %d, not %d", min, n)
	}
	if max > 0 && n > int64(max) {
		return nil, fmt.Sprintf("must be at most %d, not %d", max, n)
	}
	if n > 1<<31 {
		return nil, fmt.Sprintf("%d is too large", n)
	}
	return int(n), ""
}

func convDuration(v any) (any, string) {
	s, ok := v.(string)
	if !ok {
		if n, isInt := v.(int64); isInt {
			return nil, fmt.Sprintf(`want a duration with a unit, such as "%ds", not the integer %d`, n, n)
		}
		return nil, want(`a duration such as "10s"`, v)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		if _, numErr := strconv.ParseFloat(s, 64); numErr == nil {
			return nil, fmt.Sprintf(`%q has no unit: write "%ss" (or ms, m, h)`, s, s)
		}
		return nil, fmt.Sprintf(`cannot read %q as a duration: write a number and a unit, such as "10s", "500ms" or "1m30s"`, s)
	}
	if d < 0 {
		return nil, fmt.Sprintf("must not be negative, not %q", s)
	}
	return d, ""
}

// convSeconds takes supervisord's whole seconds, or a duration string.
func convSeconds(v any) (any, string) {
	switch n := v.(type) {
	case int64:
		if n < 0 {
			return nil, fmt.Sprintf("must not be negative, not %d: write 0 or more seconds", n)
		}
		if n > 1<<31 {
			return nil, fmt.Sprintf("%d seconds is too long", n)
		}
		return time.Duration(n) * time.Second, ""
	case string:
		if d, msg := convDuration(v); msg == "" {
			return d, ""
		}
	}
	return nil, want(`whole seconds such as 10, or a duration such as "1.5s"`, v)
}

// convMode reads an octal mode string. A TOML integer is refused: 0750 is
// not octal in TOML (it is invalid), and 750 is decimal.
func convMode(v any) (any, string) {
	s, ok := v.(string)
	if !ok {
		if n, isInt := v.(int64); isInt {
			// mode = 750 meant "0750"; TOML's 0o750 would be 488 here.
			digits := strconv.FormatInt(n, 10)
			if strings.Trim(digits, "01234567") != "" || len(digits) > 4 {
				digits = "750"
			}
			return nil, fmt.Sprintf(`write the mode as an octal string, "0%s", not the integer %d`, strings.TrimPrefix(digits, "0"), n)
		}
		return nil, want(`an octal mode string such as "0750"`, v)
	}
	if len(s) < 3 || len(s) > 5 || strings.Trim(s, "01234567") != "" {
		return nil, fmt.Sprintf(`%q is not an octal mode: write 3 or 4 octal digits such as "0750" (rwxr-x---)`, s)
	}
	n, err := strconv.ParseUint(s, 8, 32)
	if err != nil || n > 0o7777 {
		return nil, fmt.Sprintf(`%q is out of range: write at most "07777"`, s)
	}
	if n&0o700 == 0 {
		return nil, fmt.Sprintf(`%q gives the owner no access: write a mode such as "0600" or "0750"`, s)
	}
	// fs.FileMode keeps setuid, setgid and sticky in its own high bits,
	// not at 04000/02000/01000 as chmod(2) does.
	m := fs.FileMode(n & 0o777)
	if n&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if n&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if n&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return m, ""
}

// IsEnvName reports whether s is a variable name: letters, digits and _,
// not starting with a digit.
func IsEnvName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func envNameMsg(s string) string {
	if s == "" {
		return "empty variable name"
	}
	if strings.HasPrefix(s, "${") || strings.HasPrefix(s, "$") {
		bare := strings.Trim(s, "${}")
		if IsEnvName(bare) {
			return fmt.Sprintf("%q is not a variable name: write the bare name %q", s, bare)
		}
	}
	return fmt.Sprintf("%q is not a variable name: use letters, digits and _, not starting with a digit (e.g. %q)",
		s, fixEnvName(s))
}

func fixEnvName(s string) string {
	b := []byte(strings.ToUpper(s))
	for i, c := range b {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	if len(b) == 0 || b[0] >= '0' && b[0] <= '9' {
		b = append([]byte{'_'}, b...)
	}
	return string(b)
}

func convEnvName(v any) (any, string) {
	s, msg := toString(v, `a variable name such as "APP_SECRET"`)
	if msg != "" {
		return nil, msg
	}
	if !IsEnvName(s) {
		return nil, envNameMsg(s)
	}
	return s, ""
}

func convEnvNames(v any) (any, []issue) {
	return eachString(v, "variable names", func(n string, prev []string) string {
		if !IsEnvName(n) {
			return envNameMsg(n)
		}
		return twice(n, prev)
	})
}

// IsAccountName accepts user and group names as useradd(8) does, loosely,
// and numeric ids; the names are looked up later (runtime/ident). convert
// uses it too, so what it emits is what the spec accepts.
func IsAccountName(s string) bool {
	if s == "" || len(s) > 32 || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') &&
			!(c == '$' && i == len(s)-1) {
			return false
		}
	}
	return true
}

func convOwner(v any) (any, string) {
	s, msg := toString(v, `"user" or "user:group"`)
	if msg != "" {
		return nil, msg
	}
	u, g, hasGroup := strings.Cut(s, ":")
	if !IsAccountName(u) || hasGroup && !IsAccountName(g) {
		return nil, fmt.Sprintf(`%q is not an owner: write "user" or "user:group", with names or numeric ids (e.g. "cloudron:cloudron" or "1000:1000")`, s)
	}
	return s, ""
}

func convCond(v any) (any, string) {
	s, msg := toString(v, `"VAR" or "exists:/path"`)
	if msg != "" {
		return nil, msg
	}
	if p, ok := strings.CutPrefix(s, "exists:"); ok {
		if msg := absMsg(p); msg != "" {
			return nil, msg
		}
		return Cond{Path: p}, ""
	}
	if !IsEnvName(s) {
		if strings.Contains(s, ":") {
			return nil, fmt.Sprintf(`%q is not a condition: write a variable name such as "CLOUDRON_LDAP_SERVER", or "exists:/absolute/path"`, s)
		}
		return nil, envNameMsg(s) + `, or "exists:/absolute/path"`
	}
	return Cond{Var: s}, ""
}

func convEnum(k *Key, v any) (any, string) {
	s, msg := toString(v, "one of "+quoteList(k.Enum))
	if msg != "" {
		return nil, msg
	}
	if slices.Contains(k.Enum, s) {
		return s, ""
	}
	if low := strings.ToLower(s); slices.Contains(k.Enum, low) {
		return nil, fmt.Sprintf("%q: write %q (lower case)", s, low)
	}
	return nil, fmt.Sprintf("%q is not one of %s%s", s, quoteList(k.Enum), didYouMean(s, k.Enum))
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

func convCommand(v any) (any, []issue) {
	switch c := v.(type) {
	case string:
		if strings.TrimSpace(c) == "" {
			return nil, []issue{{0, `empty command: write an array such as ["node", "server.js"], or a shell line`}}
		}
		return Command{Shell: c}, nil
	case []any:
		argv, msgs := toStrings(c, "strings")
		if msgs != nil {
			return nil, msgs
		}
		if len(argv) == 0 || argv[0] == "" {
			return nil, []issue{{0, `empty command: write the program and its arguments, such as ["node", "server.js"]`}}
		}
		return Command{Argv: argv}, nil
	}
	return nil, []issue{{0, want(`an array such as ["node", "server.js"] or a shell line`, v)}}
}

func convExitCodes(v any) (any, []issue) {
	arr, ok := v.([]any)
	if !ok {
		if n, isInt := v.(int64); isInt {
			return nil, []issue{{0, fmt.Sprintf("want an array: write [%d]", n)}}
		}
		return nil, []issue{{0, want("an array of exit codes such as [0, 2]", v)}}
	}
	if len(arr) == 0 {
		return nil, []issue{{0, "empty: list the exit codes that are expected, such as [0]"}}
	}
	var msgs []issue
	out := make([]int, 0, len(arr))
	for i, e := range arr {
		n, ok := e.(int64)
		switch {
		case !ok:
			msgs = append(msgs, issue{i + 1, want("an integer 0-255", e)})
		case n < 0 || n > 255:
			msgs = append(msgs, issue{i + 1, fmt.Sprintf("exit codes are 0-255, not %d", n)})
		default:
			out = append(out, int(n))
		}
	}
	return out, msgs
}

func convInstances(v any) (any, string) {
	switch n := v.(type) {
	case int64:
		if msg := InstancesInRange(n); msg != "" {
			return nil, msg
		}
		return strconv.FormatInt(n, 10), ""
	case string:
		if k, err := strconv.Atoi(n); err == nil {
			if msg := InstancesInRange(int64(k)); msg != "" {
				return nil, msg
			}
			return strconv.Itoa(k), ""
		}
		if inner, ok := strings.CutPrefix(n, "${"); ok && strings.HasSuffix(inner, "}") {
			name := inner[:len(inner)-1]
			if i := strings.IndexAny(name, ":-|"); i >= 0 {
				name = name[:i]
			}
			if IsEnvName(name) {
				return n, ""
			}
		}
		return nil, fmt.Sprintf(`%q is neither a number nor a variable: write a number such as 2, or "${WORKERS}"`, n)
	}
	return nil, want(`a number, or a variable such as "${WORKERS}"`, v)
}

// MaxInstances bounds `instances`: each copy is a process with its own log
// pipe and supervisor state, and a count past this is a typo or a runaway
// ${VAR}, not a pool size.
const MaxInstances = 256

// InstancesInRange says what is wrong with n copies of a program, or "".
// The spec's literal and a ${VAR} expanded at the start share it.
func InstancesInRange(n int64) string {
	switch {
	case n < 1:
		return fmt.Sprintf("must be at least 1, not %d", n)
	case n > MaxInstances:
		return fmt.Sprintf("must be at most %d, not %d", MaxInstances, n)
	}
	return ""
}
