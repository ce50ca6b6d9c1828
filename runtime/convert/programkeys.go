package convert

import (
	"path"
	"strings"

	"appstart/runtime/spec"
)

// The program keys that need more than a one-line mapping.

// groupSignals notes stopasgroup and killasgroup, which appstart always
// does: it signals a program's whole process group, to stop and to kill.
func (cv *converter) groupSignals(p *program) {
	stop, hasStop := p.sect.get("stopasgroup")
	kill, hasKill := p.sect.get("killasgroup")
	sb, _ := parseBool(valueOf(stop))
	kb, _ := parseBool(valueOf(kill))
	if hasStop && sb && hasKill && !kb {
		cv.fail(kill.pos, "stopasgroup=true with killasgroup=false: supervisord refuses this")
		return
	}
	switch {
	case hasStop && sb || hasKill && kb:
		p.note("stopasgroup/killasgroup: appstart always signals the program's whole process group")
	case hasStop || hasKill:
		p.note("stopasgroup/killasgroup=false: appstart signals the whole process group anyway, so children stop too")
	}
}

func valueOf(o *option) string {
	if o == nil {
		return ""
	}
	return o.value
}

func (cv *converter) user(p *program, o *option, expanded func() (expansion, bool)) {
	e, ok := expanded()
	if !ok {
		return
	}
	if len(e.refs) > 0 {
		cv.fail(o.pos, "user: %q: appstart needs the user itself, not a variable", o.value)
		return
	}
	if !spec.IsAccountName(e.text) {
		cv.fail(o.pos, "user: %q is not a user name or id", e.text)
		return
	}
	p.hasUser = true
	p.set("user", quote(e.text))
}

func (cv *converter) directory(p *program, o *option, expanded func() (expansion, bool)) {
	e, ok := expanded()
	if !ok {
		return
	}
	switch {
	case len(e.refs) > 0:
		p.note("%s: not carried: appstart does not expand variables in paths; write the directory itself", shown(o))
		cv.warn(o.pos, "directory: %q uses a variable, which a path cannot: the program runs in appstart's directory until you write it", o.value)
	case !strings.HasPrefix(e.text, "/"):
		p.note("%s: not carried: a relative directory depends on where supervisord was started; write an absolute one", shown(o))
		cv.warn(o.pos, "directory: %q is relative: write an absolute path", e.text)
	default:
		p.set("directory", quote(path.Clean(e.text)))
	}
}

func (cv *converter) environment(p *program, o *option, e expansion) {
	pairs, err := splitEnvironment(e.text)
	if err != nil {
		cv.fail(o.pos, "environment: %v", err)
		return
	}
	var kv []string
	for _, pr := range pairs {
		if !spec.IsEnvName(pr.name) {
			p.note("environment: %q is not a variable name appstart can set; dropped", pr.name)
			cv.warn(o.pos, "environment: %q is not a variable name; dropped", pr.name)
			continue
		}
		v := e.refs.render(pr.value)
		p.env = append(p.env, pair{pr.name, v})
		kv = append(kv, pr.name+" = "+quote(v))
	}
	if len(kv) > 0 {
		p.set("environment", "{ "+strings.Join(kv, ", ")+" }")
	}
}

func (cv *converter) logfile(p *program, o *option, e expansion) {
	v := e.refs.render(e.text)
	switch {
	case isStdStream(v):
	case strings.EqualFold(v, "AUTO"):
		p.note("%s: supervisord kept this output in a file under childlogdir; appstart sends it to the container log", shown(o))
	case strings.EqualFold(v, "NONE"):
		p.note("%s: supervisord dropped this output; appstart sends it to the container log", shown(o))
	case strings.EqualFold(v, "syslog"):
		p.note("%s: output goes to the container log, which the platform keeps", shown(o))
	default:
		p.note("%s: supervisord wrote the program's output to this file; appstart sends it to the container log, so nothing writes the file any more", shown(o))
	}
}

// oneShot reports a program meant to run once and exit, supervisord's
// only way to run a set-up step.
func oneShot(s *section) bool {
	ar, _ := s.get("autorestart")
	ss, _ := s.get("startsecs")
	restart, _ := parseAutorestart(valueOf(ar))
	return restart == "never" && ss != nil && strings.TrimSpace(ss.value) == "0"
}
