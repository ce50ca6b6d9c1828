package convert

import (
	"fmt"
	"strings"
	"sync"

	"appstart/runtime/spec"
)

// supervisordReasons say why each [supervisord] key needs nothing under
// appstart.
// Built on first use: only a conversion needs it.
var supervisordReasons = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"nodaemon":         "appstart always stays in the foreground, as PID 1",
		"logfile":          "appstart writes its own messages to stderr, into the container log",
		"logfile_maxbytes": "appstart keeps no log file to rotate",
		"logfile_backups":  "appstart keeps no log file to rotate",
		"loglevel":         "appstart writes its own messages to stderr",
		"pidfile":          "appstart is PID 1 and keeps no pid file",
		"childlogdir":      "program output goes to the container log, not to files",
		"silent":           "appstart always forwards program output",
		"minfds":           "appstart does not change resource limits",
		"minprocs":         "appstart does not change resource limits",
		"nocleanup":        "appstart keeps no child log files to clean up",
		"umask":            "appstart sets no umask; programs inherit the container's",
		"identifier":       "appstart's control socket needs no identifier",
		"directory":        "appstart does not daemonize, so it never changes directory",
		"strip_ansi":       "appstart forwards output as it is",
	}
})

// supervisord converts the [supervisord] section: environment= becomes
// [env], user= the top-level user, the rest comments.
func (cv *converter) supervisord(s *section) {
	here, hereErr := cv.here(s.pos.file)
	sc := scope{here: here, hereErr: hereErr}
	for _, o := range s.opts {
		switch o.name {
		case "environment":
			e, err := expand(o.value, sc)
			if err != nil {
				cv.fail(o.pos, "environment: %v", err)
				continue
			}
			pairs, err := splitEnvironment(e.text)
			if err != nil {
				cv.fail(o.pos, "environment: %v", err)
				continue
			}
			for _, pr := range pairs {
				if !spec.IsEnvName(pr.name) {
					cv.notes = append(cv.notes, fmt.Sprintf("[supervisord] environment: %q is not a variable name appstart can set; dropped", pr.name))
					cv.warn(o.pos, "environment: %q is not a variable name; dropped", pr.name)
					continue
				}
				cv.env = append(cv.env, pair{pr.name, e.refs.render(pr.value)})
			}
			cv.checkEnv(o.pos, e.envs, cv.env)
		case "user":
			e, err := expand(o.value, sc)
			switch {
			case err != nil:
				cv.fail(o.pos, "user: %v", err)
			case len(e.refs) > 0 || !spec.IsAccountName(e.text):
				cv.fail(o.pos, "user: %q: write the user's name or id", o.value)
			default:
				cv.topUser = e.text
				cv.notes = append(cv.notes, fmt.Sprintf("[supervisord] user=%s: supervisord and every program without user= ran as %s", e.text, e.text))
			}
		default:
			reason, known := supervisordReasons()[o.name]
			if !known {
				reason = "not a supervisord key; ignored"
				cv.warn(o.pos, "[supervisord] has no key %q; ignored", o.name)
			}
			cv.notes = append(cv.notes, "[supervisord] "+shown(o)+": "+reason)
		}
	}
}

// include notes [include] files=: supervisord read them at start, so they
// must be passed to convert alongside the main file.
func (cv *converter) include(s *section) {
	o, ok := s.get("files")
	if !ok {
		cv.fail(s.pos, "[include] has no files=: supervisord requires it")
		return
	}
	here, hereErr := cv.here(s.pos.file)
	e, err := expand(o.value, scope{here: here, hereErr: hereErr})
	if err != nil {
		cv.fail(o.pos, "files: %v", err)
		return
	}
	files := strings.Join(strings.Fields(e.refs.render(e.text)), " ")
	cv.notes = append(cv.notes, fmt.Sprintf("[include] files=%s: convert reads only the files it is given; pass these too (appstart convert %s %s)",
		files, s.pos.file, files))
	if len(cv.files) == 1 {
		cv.warn(o.pos, "[include] files=%s: pass the included files to convert as well, or their programs are missing", files)
	}
}

// group notes a [group:x]: appstart has no groups, but its programs are
// checked to exist, as supervisord does, and get %(group_name)s.
func (cv *converter) group(s *section, name string, c *config) {
	o, ok := s.get("programs")
	if !ok {
		cv.fail(s.pos, "[%s] has no programs=: supervisord requires it", s.name)
		return
	}
	var members []string
	for _, m := range strings.Split(o.value, ",") {
		m = strings.TrimSpace(m)
		if m == "" {
			continue
		}
		if !c.has("program:"+m) && !c.has("fcgi-program:"+m) {
			cv.fail(o.pos, "[%s] names unknown program %q: add [program:%s] or pass the file that has it", s.name, m, m)
			continue
		}
		cv.groups[m] = name
		members = append(members, m)
	}
	note := fmt.Sprintf("[%s] programs=%s: appstart has no groups; each program is its own [programs.NAME] (after orders their start)",
		s.name, strings.Join(members, ","))
	if pr, ok := s.get("priority"); ok {
		note += "; the group's priority=" + pr.value + " is not carried"
	}
	cv.notes = append(cv.notes, note)
}

func (c *config) has(name string) bool {
	for _, s := range c.sections {
		if s.name == name {
			return true
		}
	}
	return false
}
