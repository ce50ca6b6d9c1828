package convert

import (
	"fmt"
	"slices"
	"strings"

	"appstart/runtime/spec"
)

// program is one [programs.NAME] table being built from a [program:x].
type program struct {
	name, orig string // in appstart.toml, in supervisord.conf
	kind       string // "program" or "fcgi-program"
	sect       *section
	priority   int
	hasPrio    bool
	autostart  bool
	hasUser    bool
	multi      bool // numprocs > 1 (or a variable)
	lines      []line
	envs       []string // the X of every %(ENV_X)s
	env        []pair   // its own environment=
	after      []string
	afterNote  string
	startsecs  int             // supervisord's, default 1: how long after waits for it
	redirect   bool            // redirect_stderr=true
	start      int             // seconds after the first start that after makes it wait, at least
	seen       map[string]bool // notes already written
}

// line is one key = value with the comments above it, or comments alone.
type line struct {
	comments   []string
	key, value string
}

func (p *program) set(key, value string, comments ...string) {
	p.lines = append(p.lines, line{comments: comments, key: key, value: value})
}

func (p *program) note(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if p.seen[msg] {
		return
	}
	p.seen[msg] = true
	p.lines = append(p.lines, line{comments: []string{msg}})
}

// shown is a supervisord option as a comment quotes it: key=value on one
// line, long values shortened.
func shown(o *option) string {
	v := strings.Join(strings.Fields(o.value), " ")
	if len(v) > 60 {
		v = v[:57] + "..."
	}
	return o.name + "=" + v
}

// tomlName makes a supervisord program name an appstart one: letters,
// digits, "_", "-" and ".", not starting with "-" or ".".
func tomlName(n string) string {
	b := []byte(n)
	for i, c := range b {
		if !(c == '_' || c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '-'
		}
	}
	if b[0] == '-' || b[0] == '.' {
		b = append([]byte{'p'}, b...)
	}
	return string(b)
}

// program converts one [program:x] or [fcgi-program:x] section.
func (cv *converter) program(s *section, kind, name string) *program {
	orig := strings.TrimSpace(name)
	if orig == "" || strings.ContainsAny(orig, " :/") {
		cv.fail(s.pos, "[%s]: invalid program name %q (supervisord refuses blanks, \":\" and \"/\")", s.name, orig)
		return nil
	}
	p := &program{name: tomlName(orig), orig: orig, kind: kind, sect: s, priority: 999, autostart: true, startsecs: 1, seen: map[string]bool{}}
	if p.name != orig {
		p.note("program:%s is named %s here: appstart names hold letters, digits, _, - and . only", orig, p.name)
	}
	sc, ok := cv.programScope(p)
	if !ok {
		return nil
	}
	for _, o := range s.opts {
		if o.cut {
			cv.warn(o.pos, "%s: a ; or # after a blank starts a comment, even inside quotes, so supervisord cut this value there (and so does convert): escape it or drop the blank", o.name)
		}
		cv.option(p, o, sc)
	}
	if _, ok := s.get("command"); !ok {
		cv.fail(s.pos, "[%s] has no command: supervisord requires one", s.name)
		return nil
	}
	cv.groupSignals(p)
	if oneShot(s) {
		p.note("a one-shot (autorestart=false, startsecs=0): if the others must wait until it has finished, make it an [[on_start]] command instead")
	}
	if !p.hasUser && cv.topUser == "" {
		p.set("user", quote("root"), "no user=: supervisord ran it as its own user, root; appstart's default is cloudron.",
			"Keep root only if the program needs it (a port below 1024, or it drops privileges itself).")
	}
	if kind == "fcgi-program" {
		if _, ok := s.get("socket"); !ok {
			cv.fail(s.pos, "[%s] has no socket: supervisord requires one for an fcgi-program", s.name)
			return nil
		}
		if slices.ContainsFunc(p.lines, func(l line) bool { return l.key == "socket" }) {
			p.set("socket_fd", quote(string(spec.SocketStdin)), "[fcgi-program]: appstart binds the socket once, keeps it across restarts and hands it to every instance on fd 0")
		} else { // the socket was not carried: its owner and mode mean nothing
			p.lines = slices.DeleteFunc(p.lines, func(l line) bool { return l.key == "socket_owner" || l.key == "socket_mode" })
		}
	}
	return p
}

// programScope reads numprocs, numprocs_start and process_name, which
// the other options' %(process_num)s and %(numprocs)d depend on.
func (cv *converter) programScope(p *program) (scope, bool) {
	s := p.sect
	sc := scope{program: true, programName: p.orig, groupName: p.orig, numprocs: 1}
	if g, ok := cv.groups[p.orig]; ok {
		sc.groupName = g
	}
	sc.here, sc.hereErr = cv.here(s.pos.file)
	ok := true
	if o, found := s.get("numprocs"); found {
		e, err := expand(o.value, scope{here: sc.here, hereErr: sc.hereErr})
		if v, isRef := e.refs.ref(firstRune(e.text)); err == nil && isRef && len([]rune(e.text)) == 1 {
			// numprocs=%(ENV_WORKERS)s: appstart reads the count at start.
			p.multi, sc.instance, sc.numprocs = true, true, 0
			p.envs = append(p.envs, v)
		} else if n, perr := parseInt(o.value); perr != nil || n < 1 {
			cv.fail(o.pos, "numprocs: %q is not a number of processes (1 or more)", o.value)
			ok = false
		} else {
			sc.numprocs, p.multi, sc.instance = n, n > 1, n > 1
		}
	}
	if o, found := s.get("numprocs_start"); found {
		n, err := parseInt(o.value)
		if err != nil {
			cv.fail(o.pos, "numprocs_start: %v", err)
			ok = false
		}
		sc.processNum = n
	}
	if p.multi {
		pn := "%(program_name)s"
		at := s.pos
		if o, found := s.get("process_name"); found {
			pn, at = o.value, o.pos
		}
		if !strings.Contains(pn, "%(process_num)") {
			cv.fail(at, "numprocs > 1 needs %%(process_num) in process_name (supervisord refuses to start): write process_name=%%(program_name)s_%%(process_num)s")
			ok = false
		}
	}
	return sc, ok
}

func firstRune(s string) rune {
	for _, c := range s {
		return c
	}
	return 0
}

// option converts one key of a program section.
func (cv *converter) option(p *program, o *option, sc scope) {
	expanded := func() (expansion, bool) {
		e, err := expand(o.value, sc)
		if err != nil {
			cv.fail(o.pos, "%s: %v", o.name, err)
			return e, false
		}
		p.envs = append(p.envs, e.envs...)
		for _, n := range e.notes {
			p.note("%s", n)
		}
		if slices.Contains(e.refs, "APPSTART_INSTANCE") && sc.processNum != 1 {
			p.note("%%(process_num)s is $APPSTART_INSTANCE, counted from 1 (supervisord counted from numprocs_start, %d)", sc.processNum)
		}
		return e, true
	}
	number := func(min int) (int, bool) {
		n, err := parseInt(o.value)
		if err == nil && n < min {
			err = fmt.Errorf("%d is less than %d", n, min)
		}
		if err != nil {
			cv.fail(o.pos, "%s: %v", o.name, err)
			return 0, false
		}
		return n, true
	}
	boolean := func() (bool, bool) {
		b, err := parseBool(o.value)
		if err != nil {
			cv.fail(o.pos, "%s: %v", o.name, err)
			return false, false
		}
		return b, true
	}
	switch o.name {
	case "command":
		if e, ok := expanded(); ok {
			cv.command(p, o, e)
		}
	case "numprocs":
		if !p.multi {
			return
		}
		if e, _ := expand(o.value, sc); len(e.refs) == 1 {
			p.set("instances", quote("${"+e.refs[0]+"}"))
		} else if n, err := parseInt(o.value); err == nil {
			p.set("instances", itoa(n))
		}
	case "numprocs_start":
		if p.multi && sc.processNum != 0 && sc.processNum != 1 {
			p.note("%s: appstart counts instances from 1", shown(o))
		}
	case "process_name":
		if p.multi {
			p.note("%s: appstart names the instances %s:1, %s:2 ... and gives each $APPSTART_INSTANCE", shown(o), p.name, p.name)
		} else if e, ok := expanded(); ok && e.text != p.orig {
			p.note("%s: the program is called %s in appstart's log and control", shown(o), p.name)
		}
	case "priority":
		if n, ok := number(-1 << 31); ok {
			p.priority, p.hasPrio = n, true
		}
	case "autostart":
		if b, ok := boolean(); ok {
			p.autostart = b
			p.set("autostart", fmt.Sprint(b))
		}
	case "autorestart":
		v, err := parseAutorestart(o.value)
		if err != nil {
			cv.fail(o.pos, "autorestart: %v", err)
			return
		}
		p.set("autorestart", quote(v))
	case "startsecs", "startretries", "stopwaitsecs":
		if n, ok := number(0); ok {
			p.set(o.name, itoa(n))
			if o.name == "startsecs" {
				p.startsecs = n
			}
		}
	case "exitcodes":
		codes, err := parseExitcodes(o.value)
		if err != nil {
			cv.fail(o.pos, "exitcodes: %v", err)
			return
		}
		s := make([]string, len(codes))
		for i, c := range codes {
			s[i] = itoa(c)
		}
		p.set("exitcodes", "["+strings.Join(s, ", ")+"]")
	case "stopsignal":
		sig, err := parseSignal(o.value)
		if err != nil {
			cv.fail(o.pos, "stopsignal: %v", err)
			return
		}
		p.set("stopsignal", quote(sig))
	case "stopasgroup", "killasgroup":
		boolean()
	case "user":
		cv.user(p, o, expanded)
	case "directory":
		cv.directory(p, o, expanded)
	case "environment":
		if e, ok := expanded(); ok {
			cv.environment(p, o, e)
		}
	case "umask":
		p.note("%s: appstart sets no umask per program; wrap the command (sh -c 'umask %s; exec ...') if it matters", shown(o), o.value)
	case "redirect_stderr":
		if b, ok := boolean(); ok && b {
			p.redirect = true // the note depends on how many programs run (finish)
		}
	case "stdout_logfile", "stderr_logfile":
		if e, ok := expanded(); ok {
			cv.logfile(p, o, e)
		}
	case "stdout_logfile_maxbytes", "stderr_logfile_maxbytes", "stdout_logfile_backups", "stderr_logfile_backups":
		// Rotation of supervisord's capture files: nothing to carry once
		// output goes to the container log (the logfile note says so).
	case "stdout_capture_maxbytes", "stderr_capture_maxbytes", "stdout_events_enabled", "stderr_events_enabled":
		if o.value != "0" && !strings.EqualFold(o.value, "false") {
			p.note("%s: appstart has no event listeners, so no output capture", shown(o))
		}
	case "stdout_syslog", "stderr_syslog":
		if b, ok := boolean(); ok && b {
			p.note("%s: output goes to the container log, which the platform keeps", shown(o))
		}
	case "serverurl":
		p.note("%s: programs reach appstart through its control socket", shown(o))
	case "socket", "socket_owner", "socket_mode", "socket_backlog":
		if e, ok := expanded(); ok {
			cv.socketOption(p, o, e)
		}
	default:
		p.note("%s: not a supervisord program key; ignored", shown(o))
		cv.warn(o.pos, "%s: supervisord has no program key %q; ignored", o.name, o.name)
	}
}
