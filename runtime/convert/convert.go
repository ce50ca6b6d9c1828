package convert

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"appstart/runtime/environ"
	"appstart/runtime/spec"
)

// Input is one supervisord configuration file.
type Input struct {
	// Name is the file as given on the command line; problems and
	// comments name it, and %(here)s is its directory when it is absolute.
	Name string
	R    io.Reader
}

// Options tune a conversion; the zero Options is fine.
type Options struct {
	// Getenv looks up the environment convert runs in. It is used only to
	// warn about %(ENV_X)s whose X is neither set there nor a Cloudron
	// variable; it never changes the output. Nil means no such warnings.
	Getenv func(string) (string, bool)
	// Here is the directory %(here)s stands for (where the files sit in
	// the image, such as /etc/supervisor/conf.d). Empty: the directory of
	// each file's Name when it is absolute; otherwise %(here)s is an error.
	Here string
}

// Problem is one reason the input cannot be converted, at a file and line.
type Problem struct {
	File string
	Line int
	Msg  string
}

func problem(at pos, msg string) Problem { return Problem{at.file, at.line, msg} }

func (p Problem) String() string {
	if p.Line == 0 {
		return p.File + ": " + p.Msg
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
}

// Error lists every problem of a conversion, one per line in input order.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Convert reads supervisord configuration files, merged in the order
// given as supervisord merges a file and its includes, and returns the
// equivalent appstart.toml: a [programs.NAME] table for each
// [program:NAME], with a comment on every key that could not be carried
// over and why. The output passes spec.Parse (Convert checks) and depends
// only on the input, so converting twice gives the same bytes.
//
//	out, warns, err := convert.Convert([]convert.Input{{Name: "supervisord.conf", R: strings.NewReader(`
//	[program:web]
//	command=/usr/bin/node /app/code/server.js --port %(ENV_PORT)s
//	user=cloudron
//	autorestart=true
//	stdout_logfile=/dev/stdout
//	stdout_logfile_maxbytes=0
//	`)}}, convert.Options{})
//	// out (after a header comment):
//	// [programs.web]
//	// # ${PORT} unquoted, as supervisord split it: an empty value vanishes,
//	// # a value with blanks gives several words (quotes inside a value are not re-read, as shlex did)
//	// command = "set -f; exec /usr/bin/node /app/code/server.js --port ${PORT}"
//	// user = "cloudron"
//	// autorestart = "always"
//	// # supervisord stayed up with nothing running when this program went FATAL (startretries used up);
//	// # appstart exits instead (on_fatal = "stop", the default), so the platform restarts the container
//
// Warnings (input that converts but deserves a look, such as a key
// supervisord does not know) come back as "file:line: message" strings,
// also beside an error, which they may explain. A line supervisord would
// refuse, an unknown section or an unknown %(name)s is an *Error naming
// the file and line.
func Convert(files []Input, opt Options) ([]byte, []string, error) {
	c := &config{}
	var probs []Problem
	var names []string
	for _, f := range files {
		data, err := io.ReadAll(f.R)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot read %s: %w", f.Name, err)
		}
		probs = append(probs, c.read(f.Name, data)...)
		names = append(names, f.Name)
	}
	cv := &converter{opt: opt, files: names}
	if len(probs) == 0 {
		cv.run(c)
		probs = cv.probs
	}
	if len(probs) > 0 {
		return nil, cv.warns, &Error{Problems: probs}
	}
	out := cv.emit()
	s, err := spec.Parse("appstart.toml", out)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot convert %s: the result does not pass appstart check (a bug in convert; please report it with the input):\n%w\n%s",
			strings.Join(names, ", "), err, out)
	}
	for _, w := range s.Warnings {
		cv.warns = append(cv.warns, w.String()+" (in the converted output)")
	}
	return out, cv.warns, nil
}

// converter holds one conversion's state: what is emitted, problems and
// warnings.
type converter struct {
	opt   Options
	files []string
	probs []Problem
	warns []string

	notes    []string // comments at the top of the output
	topUser  string   // [supervisord] user=
	env      []pair   // [supervisord] environment=
	programs []*program
	groups   map[string]string // program name -> group name
}

func (cv *converter) fail(at pos, format string, args ...any) {
	cv.probs = append(cv.probs, problem(at, fmt.Sprintf(format, args...)))
}

func (cv *converter) warn(at pos, format string, args ...any) {
	cv.warns = append(cv.warns, at.String()+": "+fmt.Sprintf(format, args...))
}

// here is the scope of %(here)s for a section of file.
func (cv *converter) here(file string) (string, string) {
	switch {
	case cv.opt.Here != "":
		return cv.opt.Here, ""
	case filepath.IsAbs(file):
		return filepath.Dir(file), ""
	}
	return "", fmt.Sprintf("cannot tell which directory %s is in inside the image: give it (appstart convert --here /etc/supervisor/conf.d ...)", file)
}

// checkEnv warns about a %(ENV_X)s whose X nothing is known to set.
func (cv *converter) checkEnv(at pos, names []string, local []pair) {
	if cv.opt.Getenv == nil {
		return
	}
	for _, n := range names {
		if _, ok := cv.opt.Getenv(n); ok {
			continue
		}
		if _, ok := environ.Addon(n); ok || definedIn(n, cv.env) || definedIn(n, local) {
			continue
		}
		cv.warn(at, "%%(ENV_%s)s: %s is not set here and is not a Cloudron variable: make sure it is set when appstart starts (in [env], [env_defaults] or the image)", n, n)
	}
}

func definedIn(name string, ps []pair) bool {
	for _, p := range ps {
		if p.name == name {
			return true
		}
	}
	return false
}

// run converts every section in order.
func (cv *converter) run(c *config) {
	cv.groups = map[string]string{}
	for _, s := range c.sections {
		if g, ok := strings.CutPrefix(s.name, "group:"); ok {
			cv.group(s, g, c)
		}
	}
	for _, s := range c.sections {
		kind, name, _ := strings.Cut(s.name, ":")
		switch kind {
		case "program", "fcgi-program":
			if p := cv.program(s, kind, name); p != nil {
				cv.programs = append(cv.programs, p)
			}
		case "group":
		case "supervisord":
			cv.supervisord(s)
		case "include":
			cv.include(s)
		case "unix_http_server", "inet_http_server", "supervisorctl", "rpcinterface", "ctlplugin":
			cv.notes = append(cv.notes, fmt.Sprintf("[%s] (%s) dropped: appstart's own control socket replaces supervisorctl and its RPC server", s.name, s.pos))
		case "eventlistener":
			cv.notes = append(cv.notes, fmt.Sprintf("[%s] (%s) dropped: appstart has no event listener protocol; run the listener's work as a program or a schedule", s.name, s.pos))
			cv.warn(s.pos, "[%s] dropped: appstart has no event listeners", s.name)
		default:
			if near := nearestSection(kind); near != "" {
				cv.fail(s.pos, "unknown section [%s]: did you mean [%s]?", s.name, strings.Replace(s.name, kind, near, 1))
				continue
			}
			cv.fail(s.pos, "unknown section [%s]: supervisord reads [program:x], [group:x], [supervisord], [include], [eventlistener:x], [fcgi-program:x], [unix_http_server], [inet_http_server], [supervisorctl] and [rpcinterface:x]", s.name)
		}
	}
	cv.order()
	cv.finish()
	for _, p := range cv.programs {
		cv.checkEnv(p.sect.pos, p.envs, p.env)
	}
	if len(cv.programs) == 0 && len(cv.probs) == 0 {
		cv.warns = append(cv.warns, strings.Join(cv.files, ", ")+": no [program:x] section: the result has no programs")
	}
}

var sectionKinds = []string{"program", "group", "supervisord", "include", "eventlistener", "fcgi-program",
	"unix_http_server", "inet_http_server", "supervisorctl", "rpcinterface", "ctlplugin"}

// nearestSection is the section kind within two edits of k, if any.
func nearestSection(k string) string {
	best, bestD := "", 3
	for _, s := range sectionKinds {
		if d := editDistance(strings.ToLower(k), s); d < bestD {
			best, bestD = s, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
