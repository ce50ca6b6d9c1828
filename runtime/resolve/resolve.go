package resolve

import (
	"fmt"
	"slices"
	"strings"

	"appstart/runtime/ident"
	"appstart/runtime/spec"
	"appstart/templates"
)

// Mode says whose environment resolution judges.
type Mode int

const (
	// Run is a start: a variable the spec needs must be set now.
	Run Mode = iota
	// Check is the image at build time: the variables the platform sets
	// at run time (the addons') count as set, with placeholder values.
	Check
)

// Input is what the command line adds to the spec: run's and plan's flags.
type Input struct {
	Mode  Mode
	Only  string // --only NAME: one program (or group) in the foreground
	Until string // --until STAGE: stop after that stage
}

// Plan is a spec resolved against the image: every user looked up, every
// command found and allowed, every template parsed. Bind turns it into
// programs once the environment is composed. What a Plan says does not
// change after Resolve returns; it only caches what it has read (users,
// template sources), so it is used from one goroutine.
type Plan struct {
	Spec  *spec.Spec
	Input Input
	facts Facts
	users map[string]ident.User // by "user[:group]" as written
	// missingVars are the variables the spec needs that nothing sets.
	missingVars []Missing
	// sources are the template sources read and parsed, once per plan:
	// several checks look at the same templates.
	sources map[string]parsedTemplate
}

type parsedTemplate struct {
	tpl *templates.Template
	err error // reading or parsing
}

// template reads and parses a template source once per plan.
func (p *Plan) template(path string) (*templates.Template, error) {
	if t, ok := p.sources[path]; ok {
		return t.tpl, t.err
	}
	src, err := p.facts.ReadFile(path)
	var tpl *templates.Template
	if err == nil {
		tpl, err = templates.Parse(path, src)
	} else {
		err = fmt.Errorf("cannot read %s: %v", path, unwrapPath(err))
	}
	if p.sources == nil {
		p.sources = map[string]parsedTemplate{}
	}
	p.sources[path] = parsedTemplate{tpl, err}
	return tpl, err
}

// Resolve checks s against the facts and returns the plan, with every
// problem found (nil when there is none): users and groups, commands
// (found in PATH, executable by their user, a script's interpreter),
// template sources and their placeholders, the variables the spec needs,
// and the command line's --only and --until. Program commands, probes,
// directories and sizes depend on the environment and are Bind's.
func Resolve(s *spec.Spec, f Facts, in Input) (*Plan, *Problems) {
	p := &Plan{Spec: s, Input: in, facts: f, users: map[string]ident.User{}}
	var probs Problems
	p.checkInput(&probs)
	for _, u := range usersOf(s) {
		if _, err := p.user(u.who); err != nil {
			probs.add(s.Problem(u.key, "%v", err))
		}
	}
	path := p.staticPath()
	for _, c := range stageCommands(s) {
		u, err := p.user(c.user)
		if err != nil {
			continue // reported above
		}
		if msg := p.commandProblem(c.cmd, path, u); msg != "" {
			probs.add(s.Problem(c.key, "%s", msg))
		}
	}
	p.checkTemplates(&probs)
	for i, sd := range s.Seed {
		if _, err := p.facts.Stat(sd.From); err != nil && !p.madeByStage(sd.From) {
			probs.add(s.Problem(fmt.Sprintf("seed[%d].from", i+1), "%s does not exist in the image", sd.From))
		}
	}
	p.missingVars = p.missing()
	probs.Missing = p.missingVars
	return p, probs.orNil()
}

func (p *Plan) checkInput(probs *Problems) {
	s, in := p.Spec, p.Input
	if in.Until != "" && !slices.Contains(spec.Stages, in.Until) {
		probs.add(spec.Problem{File: s.File, Key: "--until", Msg: fmt.Sprintf("no stage %q (stages: %s)", in.Until, strings.Join(spec.Stages, ", "))})
	}
	if msg := onlyProblem(s, in.Only); msg != "" {
		probs.add(spec.Problem{File: s.File, Key: "--only " + in.Only, Msg: msg})
	}
}

// User resolves a "user[:group]" spec from the image's passwd and group,
// once per plan: the stages use it too, so a start reads them once.
func (p *Plan) User(who string) (ident.User, error) { return p.user(who) }

// user resolves a user spec once per plan.
func (p *Plan) user(who string) (ident.User, error) {
	if u, ok := p.users[who]; ok {
		return u, nil
	}
	u, err := p.facts.User(who)
	if err != nil {
		return ident.User{}, err // ident's words name the user and the file
	}
	p.users[who] = u
	return u, nil
}

// staticPath is the PATH commands are looked up in before the programs'
// own environments exist: [env]'s literal PATH, else the container's.
func (p *Plan) staticPath() string {
	for _, e := range p.Spec.Env {
		if e.Name == "PATH" && !strings.Contains(e.Value, "$") {
			return e.Value
		}
	}
	for _, kv := range p.facts.Env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			return v // the first wins, as in environ.New and os.Getenv
		}
	}
	return ""
}

// commandProblem says what stops c from running as u, or "". An argv
// command whose program comes from a variable, or that a stage creates
// (seeded or rendered into a writable root), is judged when it runs.
func (p *Plan) commandProblem(c spec.Command, path string, u ident.User) string {
	name := ""
	switch {
	case c.Shell != "":
		if _, err := p.facts.executable("/bin/sh", path, u); err != nil {
			return "/bin/sh: " + err.Error()
		}
		name = shellWord(c.Shell)
	case len(c.Argv) > 0:
		name = c.Argv[0]
	}
	if name == "" || strings.Contains(name, "$") || p.madeByStage(name) {
		return ""
	}
	if _, err := p.facts.executable(name, path, u); err != nil {
		return "command " + err.Error()
	}
	return ""
}

// madeByStage reports whether a path is created by a seed, a template or
// a dirs entry (or lies in a directory one creates) during the start, so it
// need not exist in the image.
func (p *Plan) madeByStage(path string) bool {
	s := p.Spec
	for _, t := range s.Templates {
		if t.Target == path {
			return true
		}
	}
	for _, sd := range s.Seed {
		if sd.To == path || strings.HasPrefix(path, strings.TrimSuffix(sd.To, "/")+"/") {
			return true
		}
	}
	for _, d := range s.Dirs {
		// A directory a stage makes may be filled by a later step
		// (first_run building into /app/data/bin): judged when it runs.
		if d.Path == path || strings.HasPrefix(path, strings.TrimSuffix(d.Path, "/")+"/") {
			return true
		}
	}
	return false
}

func (p *Plan) checkTemplates(probs *Problems) {
	for i, t := range p.Spec.Templates {
		key := fmt.Sprintf("templates[%d].source", i+1)
		if p.madeByStage(t.Source) {
			continue
		}
		tpl, err := p.template(t.Source)
		if err != nil {
			probs.add(p.Spec.Problem(key, "%v", err))
			continue
		}
		p.checkIncludes(probs, key, tpl)
	}
}
