package convert

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Value readers with supervisord's rules (supervisor/datatypes.py), each
// returning the message supervisord's own error would carry.

// parseBool is datatypes.boolean: yes/true/on/1 and no/false/off/0, any
// case.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "yes", "true", "on", "1":
		return true, nil
	case "no", "false", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean: write true or false", s)
}

// parseInt is datatypes.integer (Python's int(): blanks and _ allowed).
func parseInt(s string) (int, error) {
	n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(s), "_", ""))
	if err != nil {
		return 0, fmt.Errorf("%q is not an integer", s)
	}
	return n, nil
}

// parseAutorestart is datatypes.auto_restart, as appstart's names.
func parseAutorestart(s string) (string, error) {
	switch strings.ToLower(s) {
	case "false", "0", "no", "off":
		return "never", nil
	case "true", "1", "yes", "on":
		return "always", nil
	case "unexpected":
		return "unexpected", nil
	}
	return "", fmt.Errorf("%q is not an autorestart value: write true, false or unexpected", s)
}

// linuxSignals are the signal numbers supervisord accepts by number, on
// Linux (signal(7)), and their names.
// Built on first use: only a conversion needs it.
var linuxSignals = sync.OnceValue(func() map[int]string {
	return map[int]string{
		1: "HUP", 2: "INT", 3: "QUIT", 4: "ILL", 5: "TRAP", 6: "ABRT", 7: "BUS", 8: "FPE", 9: "KILL",
		10: "USR1", 11: "SEGV", 12: "USR2", 13: "PIPE", 14: "ALRM", 15: "TERM", 17: "CHLD", 18: "CONT",
		19: "STOP", 20: "TSTP", 21: "TTIN", 22: "TTOU", 23: "URG", 24: "XCPU", 25: "XFSZ", 26: "VTALRM",
		27: "PROF", 28: "WINCH", 29: "IO", 30: "PWR", 31: "SYS",
	}
})

// parseSignal is datatypes.signal_number: a number, or a name with or
// without SIG in any case; the result is the bare upper-case name.
func parseSignal(s string) (string, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if name, ok := linuxSignals()[n]; ok {
			return name, nil
		}
		return "", fmt.Errorf("%q is not a signal number", s)
	}
	name := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	for _, known := range linuxSignals() {
		if known == name {
			return name, nil
		}
	}
	return "", fmt.Errorf("%q is not a signal name", s)
}

// parseExitcodes is datatypes.list_of_exitcodes: "0,2".
func parseExitcodes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := parseInt(f)
		if err != nil || n < 0 || n > 255 {
			return nil, fmt.Errorf("%q is not a list of exit codes 0-255: write 0,2", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// isStdStream reports whether a log file name is one of the container's
// own output streams, where output goes to the platform's log anyway.
func isStdStream(p string) bool {
	switch p {
	case "/dev/stdout", "/dev/stderr", "/dev/fd/1", "/dev/fd/2", "/proc/self/fd/1", "/proc/self/fd/2", "/dev/console":
		return true
	}
	return false
}
