package patch

import (
	"regexp"
	"sync"
)

// lazyRE compiles expr on first use. Package-level MustCompile runs in
// every appstart start, patch or not: the five regexps here were the
// biggest package init (~0.6 ms, measured with GODEBUG=inittrace=1).
func lazyRE(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
