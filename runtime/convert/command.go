package convert

import (
	"path"
	"slices"
	"strings"
)

// command converts a program's command=, already %-expanded: an argv
// array when supervisord's split gives what the author meant, a /bin/sh -c
// string when the line uses shell features, and pidproxy PIDFILE CMD...
// as pidfile = PIDFILE with CMD (the Apache pattern: appstart follows the
// daemon's pid itself).
func (cv *converter) command(p *program, o *option, e expansion) {
	w, err := splitCommand(e.text)
	if err != nil {
		cv.fail(o.pos, "command: %v (supervisord splits the command as a shell would, without running one)", err)
		return
	}
	if len(w.argv) == 0 || w.argv[0] == "" {
		// command="" splits to one empty word: nothing supervisord could exec.
		cv.fail(o.pos, "command is empty")
		return
	}
	argv := w.argv
	var comments []string
	pidfile := ""
	shell := w.shell
	if path.Base(argv[0]) == "pidproxy" {
		switch {
		case len(argv) < 3:
			cv.fail(o.pos, "command: pidproxy needs a pid file and a command: pidproxy /run/app.pid /usr/sbin/app")
			return
		case shell != "":
			comments = append(comments, "pidproxy is kept: the command it runs needs a shell")
		case p.multi:
			comments = append(comments, "pidproxy is kept: one pid file cannot follow several instances")
		default:
			pidfile, argv = argv[1], argv[2:]
		}
	}
	if shell == "" && w.quoted != "" && !isShell(argv) {
		shell = w.quoted
		if pidfile != "" {
			pidfile, argv = "", w.argv
			comments = append(comments, "pidproxy is kept: the command it runs needs a shell")
		}
	}
	if shell != "" {
		comments = append(comments, "supervisord runs a command without a shell, so it passed "+shell+" on as a word;",
			"this is a /bin/sh -c line instead, as the command was written for: check it")
		p.set("command", quote(e.refs.renderShell(oneLine(e.text))), comments...)
	} else if split := splitRefs(e.refs, w.unquoted); len(split) > 0 {
		// supervisord expanded %(ENV_X)s first and split the line after:
		// an empty X vanished and "--log-level debug" gave two words. An
		// argv array would pass ${X} as one word, so this is a shell line
		// with X unquoted (set -f: supervisord never expanded globs).
		comments = append(comments, "${"+strings.Join(split, "}, ${")+"} unquoted, as supervisord split it: an empty value vanishes,",
			"a value with blanks gives several words (quotes inside a value are not re-read, as shlex did)")
		p.set("command", quote("set -f; exec "+shellWords(argv, e.refs, w.unquoted)), comments...)
	} else {
		elems := make([]string, len(argv))
		for i, a := range argv {
			elems[i] = quote(e.refs.render(a))
		}
		p.set("command", "["+strings.Join(elems, ", ")+"]", comments...)
	}
	if pidfile != "" {
		cv.pidfile(p, o, e, pidfile)
	}
}

func (cv *converter) pidfile(p *program, o *option, e expansion, f string) {
	for _, c := range f {
		if _, isRef := e.refs.ref(c); isRef {
			cv.fail(o.pos, "command: pidproxy's pid file %q uses a variable: write the path itself", e.refs.render(f))
			return
		}
	}
	if !strings.HasPrefix(f, "/") {
		cv.fail(o.pos, "command: pidproxy's pid file %q is relative: write an absolute path", f)
		return
	}
	p.set("pidfile", quote(path.Clean(f)), "pidproxy "+f+": appstart follows the pid in this file itself")
}

// oneLine joins a multi-line command (continuation lines) into one shell
// line, as shlex saw it: newlines outside quotes are blanks.
func oneLine(s string) string {
	var b strings.Builder
	var q rune
	for _, c := range s {
		switch {
		case q == 0 && c == '\n':
			c = ' '
		case q == 0 && (c == '\'' || c == '"'):
			q = c
		case c == q:
			q = 0
		}
		b.WriteRune(c)
	}
	return b.String()
}

// splitRefs names the variables supervisord split at blanks: those of the
// placeholders that stood outside quotes, but for appstart's own
// APPSTART_INSTANCE and HOSTNAME, which hold no blank.
func splitRefs(r refs, unquoted []rune) []string {
	var names []string
	for _, c := range unquoted {
		if v, _ := r.ref(c); v != "APPSTART_INSTANCE" && v != "HOSTNAME" && !slices.Contains(names, v) {
			names = append(names, v)
		}
	}
	return names
}

// shellWords writes argv as a /bin/sh line: literal text single-quoted
// where it needs it, a placeholder that stood outside quotes as a bare
// ${X} (split by the shell), one inside quotes as "${X}" (one word).
func shellWords(argv []string, r refs, unquoted []rune) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		var b, lit strings.Builder
		flush := func() {
			if lit.Len() > 0 {
				b.WriteString(shellQuote(lit.String()))
				lit.Reset()
			}
		}
		for _, c := range a {
			v, isRef := r.ref(c)
			switch {
			case !isRef:
				lit.WriteRune(c)
				continue
			case slices.Contains(unquoted, c):
				flush()
				b.WriteString("${" + v + "}")
			default:
				flush()
				b.WriteString(`"${` + v + `}"`)
			}
		}
		flush()
		if b.Len() == 0 {
			b.WriteString("''")
		}
		out[i] = b.String()
	}
	return strings.Join(out, " ")
}

// shellQuote leaves a word of safe characters bare and single-quotes any
// other.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./=:,+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
