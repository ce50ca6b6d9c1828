package convert

import (
	"errors"
	"strings"
)

// supervisord runs a command without a shell: it splits the expanded
// string with Python's shlex.split (POSIX mode, no comments) and execs the
// words (options.py, ProcessConfig.get_execv_args). splitCommand does the
// same, and also notes the first shell feature it sees outside quotes,
// since a command written with a pipe, &&, a redirect or $VAR was meant
// for a shell even though supervisord never ran one.

// words is a split command.
type words struct {
	argv []string
	// shell names the first shell feature written outside quotes ("|",
	// "&&", "$HOME"...), or "" when there is none; quoted the first $
	// expansion inside double quotes, which a shell would expand too.
	shell, quoted string
	// unquoted are the placeholders that stood outside quotes:
	// supervisord expanded them first and split their values at blanks.
	unquoted []rune
}

var errNoClosingQuote = errors.New("no closing quotation")

// splitCommand is shlex.split(s) over a value with placeholder runes.
//
//	splitCommand(`bash -c "echo $HOME" | cat`) // argv [bash -c "echo $HOME" | cat], shell "|"
func splitCommand(s string) (words, error) {
	var w words
	var tok strings.Builder
	inTok := false
	var q rune // 0, '\'' or '"'
	rs := []rune(s)
	note := func(feature string) {
		if w.shell == "" {
			w.shell = feature
		}
	}
	noteQuoted := func(feature string) {
		if w.quoted == "" {
			w.quoted = feature
		}
	}
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		if c >= placeholderBase && c < placeholderBase+0x1000 && q == 0 {
			w.unquoted = append(w.unquoted, c)
		}
		switch {
		case q == '\'':
			if c == '\'' {
				q = 0
			} else {
				tok.WriteRune(c)
			}
		case q == '"':
			switch {
			case c == '"':
				q = 0
			case c == '\\' && i+1 < len(rs):
				i++
				if rs[i] != '\\' && rs[i] != '"' {
					tok.WriteRune('\\')
				}
				tok.WriteRune(rs[i])
			case c == '\\':
				return w, errors.New("no escaped character")
			default:
				if c == '$' || c == '`' {
					noteQuoted(dollarFeature(rs[i:]))
				}
				tok.WriteRune(c)
			}
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			if inTok {
				w.argv = append(w.argv, tok.String())
				tok.Reset()
				inTok = false
			}
		case c == '\\':
			if i+1 >= len(rs) {
				return w, errors.New("no escaped character")
			}
			i++
			tok.WriteRune(rs[i])
			inTok = true
		case c == '\'' || c == '"':
			q = c
			inTok = true
		default:
			switch {
			case strings.ContainsRune("|&;<>()`", c):
				note(operator(rs[i:]))
			case c == '$':
				note(dollarFeature(rs[i:]))
			}
			tok.WriteRune(c)
			inTok = true
		}
	}
	if q != 0 {
		return w, errNoClosingQuote
	}
	if inTok {
		w.argv = append(w.argv, tok.String())
	}
	if len(w.argv) > 0 && isAssignment(w.argv[0]) {
		note(w.argv[0] + " (a variable assignment)")
	}
	return w, nil
}

// operator names the shell operator at the start of rs: "&&", "2>&1"'s
// ">&", "|".
func operator(rs []rune) string {
	n := 1
	if len(rs) > 1 && strings.ContainsRune("|&<>", rs[1]) || len(rs) > 1 && rs[0] == '>' && rs[1] == '&' {
		n = 2
	}
	return string(rs[:n])
}

// dollarFeature names a $ expansion at the start of rs, or "" for a $
// the shell would keep ("$" alone, "$-" is kept too for simplicity).
func dollarFeature(rs []rune) string {
	if rs[0] == '`' {
		return "`"
	}
	if len(rs) < 2 {
		return ""
	}
	switch c := rs[1]; {
	case c == '{' || c == '(':
		return "$" + string(c)
	case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
		j := 1
		for j < len(rs) && (rs[j] == '_' || rs[j] >= 'a' && rs[j] <= 'z' || rs[j] >= 'A' && rs[j] <= 'Z' || rs[j] >= '0' && rs[j] <= '9') {
			j++
		}
		return string(rs[:j])
	}
	return ""
}

func isAssignment(w string) bool {
	name, _, ok := strings.Cut(w, "=")
	if !ok || name == "" {
		return false
	}
	for i, c := range name {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// isShell reports whether argv runs a shell on a script argument
// (bash -c "..."), whose quoted script is the shell's business, not a
// sign that the command line itself needs one.
func isShell(argv []string) bool {
	if len(argv) < 3 {
		return false
	}
	base := argv[0][strings.LastIndexByte(argv[0], '/')+1:]
	switch base {
	case "sh", "bash", "dash", "ash", "zsh":
	default:
		return false
	}
	for _, a := range argv[1:] {
		if !strings.HasPrefix(a, "-") {
			return false
		}
		if strings.Contains(a, "c") && !strings.HasPrefix(a, "--") {
			return true
		}
	}
	return false
}
