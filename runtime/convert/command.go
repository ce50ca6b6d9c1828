package convert

import (
	"path"
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
	} else {
		elems := make([]string, len(argv))
		for i, a := range argv {
			elems[i] = quote(e.refs.render(a))
		}
		for _, r := range w.unquoted {
			if v, _ := e.refs.ref(r); v != "APPSTART_INSTANCE" && v != "HOSTNAME" {
				comments = append(comments, "${"+v+"} is one argument here; supervisord split its value at blanks")
			}
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
