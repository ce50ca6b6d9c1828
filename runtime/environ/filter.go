package environ

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"appstart/templates"
)

// Filters derive a value from a variable's, so a start script's one-line
// computations need no shell (issue 15):
//
//	${PW|sha256}                                  hex SHA-256 of the value (ClickHouse's password_sha256_hex)
//	${APPSTART_MEMORY_LIMIT_MB|percent:80}        80% of the value, rounded down
//	${APPSTART_MEMORY_LIMIT_MB|sub:1024|div:768|max:1}   (limit - 1 GiB) / 768 MiB, at least 1
//	${APPSTART_MEMORY_LIMIT_MB|percent:75|mul:1048576}   75% of the limit, in bytes
//	${PW|sha256|json}                             filters chain left to right; an escape is a filter too
//
// Arithmetic (add, sub, mul, div, percent, min, max) is on integers: the
// value must be one (a decimal such as "512" or "-3", nothing around it),
// N is a non-negative decimal integer, div and percent round down (toward
// minus infinity, so a negative count still clamps with max:1), and a
// result out of int64's range is an error. There are no fractions: mul:0.8
// is written percent:80. This is deliberately not a language: a value that
// needs more is computed by the app's own code or a first_run step.
type filter struct {
	name string
	arg  int64
}

// arithmetic filters and what each does with value v and argument n.
// Built on first use: only a filter needs it.
var arithmetic = sync.OnceValue(func() map[string]func(v, n int64) (int64, bool) {
	return map[string]func(v, n int64) (int64, bool){
		"add": func(v, n int64) (int64, bool) { r := v + n; return r, (r > v) == (n > 0) || n == 0 },
		"sub": func(v, n int64) (int64, bool) { r := v - n; return r, (r < v) == (n > 0) || n == 0 },
		"mul": mulOK,
		"div": func(v, n int64) (int64, bool) { return floorDiv(v, n), true },
		"percent": func(v, n int64) (int64, bool) {
			r, ok := mulOK(v, n)
			return floorDiv(r, 100), ok
		},
		"min": func(v, n int64) (int64, bool) { return min(v, n), true },
		"max": func(v, n int64) (int64, bool) { return max(v, n), true },
	}
})

func mulOK(v, n int64) (int64, bool) {
	r := v * n
	return r, v == 0 || (r/v == n && !(v == -1 && n == -1<<63))
}

func floorDiv(v, n int64) int64 {
	q := v / n
	if (v%n != 0) && ((v < 0) != (n < 0)) {
		q--
	}
	return q
}

// filterNames lists the filters for messages: the escapes, then the rest.
func filterNames() string {
	return strings.Join(templates.Escapes(), ", ") + ", sha256, add:N, sub:N, mul:N, div:N, percent:N, min:N, max:N"
}

// parseFilter checks one filter as written after "|": name and, for
// arithmetic, ":N". It returns a message for a bad one.
func parseFilter(name, arg string, hasArg bool) (filter, string) {
	f := filter{name: name}
	_, isArith := arithmetic()[name]
	switch {
	case !isArith && name != "sha256" && (name == "" || !templates.ValidEscape(name)):
		return f, fmt.Sprintf("unknown filter %q", name)
	case isArith && !hasArg:
		return f, fmt.Sprintf("filter %q needs a number: write |%s:N", name, name)
	case isArith:
		n, err := strconv.ParseInt(arg, 10, 64)
		if err != nil {
			return f, fmt.Sprintf("filter %s:%s: %q is not an integer", name, arg, arg)
		}
		if n == 0 && (name == "div") {
			return f, "filter div:0 divides by zero"
		}
		f.arg = n
	case hasArg:
		return f, fmt.Sprintf("filter %q takes no :%s", name, arg)
	}
	return f, ""
}

// apply runs v through the filter.
func (f filter) apply(v string) (string, error) {
	if f.name == "sha256" {
		sum := sha256Sum([]byte(v))
		return hex.EncodeToString(sum[:]), nil
	}
	op, ok := arithmetic()[f.name]
	if !ok {
		return templates.Escape(f.name, v)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return "", fmt.Errorf("%q is not an integer", v)
	}
	r, ok := op(n, f.arg)
	if !ok {
		return "", fmt.Errorf("%s:%d of %d is out of range", f.name, f.arg, n)
	}
	return strconv.FormatInt(r, 10), nil
}

func (f filter) String() string {
	if _, ok := arithmetic()[f.name]; ok {
		return f.name + ":" + strconv.FormatInt(f.arg, 10)
	}
	return f.name
}
