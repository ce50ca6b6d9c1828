package environ

import "strings"

// Source says which layer set a variable; `appstart plan` prints it next
// to each variable.
type Source uint8

// The layers, in the order the start-up stages apply them (issue 2): the
// container environment, [env_defaults], [env], [[secrets]], [workers],
// then the user's env_file overrides; a program's own environment table is
// applied last, on a Clone, when the program starts.
const (
	Inherited Source = iota // the container's environment (platform and addon variables)
	Default                 // [env_defaults]
	Spec                    // [env]
	Secret                  // [[secrets]]
	Workers                 // [workers]
	EnvFile                 // a user env_file
	Program                 // [programs.NAME] environment
)

var sourceNames = [...]string{"environment", "env_defaults", "env", "secrets", "workers", "env_file", "program"}

func (s Source) String() string {
	if int(s) < len(sourceNames) {
		return sourceNames[s]
	}
	return "unknown"
}

// Managed reports whether a user env_file may NOT override a variable from
// s. The spec's layers are managed, and so is the container environment:
// the platform's addon variables feed [env] expansions that ran before the
// env_file was read, so overriding CLOUDRON_MYSQL_PASSWORD there would
// leave DATABASE_URL disagreeing with it. Defaults exist to be overridden.
func (s Source) Managed() bool {
	return s != Default && s != EnvFile
}

// Var is one environment variable and where it came from.
type Var struct {
	Name   string
	Value  string
	Source Source
	Origin string // e.g. "env.DATABASE_URL", "/app/data/env:3", "secrets.APP_SECRET"; "" if inherited
	Secret bool   // the value must be masked: a Secret source or a name like *_PASSWORD
}

// Env is an ordered environment that remembers where each variable came
// from. Order is that of first definition; redefining keeps the position.
// An Env is owned by one goroutine (the stage pipeline); Clone it to hand
// a copy to a program.
//
//	env := environ.New(os.Environ())
//	err := env.AddDefaults("env_defaults", defaults)
//	err = errors.Join(err, env.AddEntries("env", entries, environ.Spec))
//	env.Set(environ.Var{Name: "APP_SECRET", Value: s, Source: environ.Secret, Origin: "secrets.APP_SECRET"})
//	ignored := env.AddOverrides("/app/data/env", fileEntries, overridable)
//	cmd.Env = env.Environ()
type Env struct {
	vars []Var
	idx  map[string]int
}

// New returns an Env holding environ ("NAME=value" strings, as from
// os.Environ) with Source Inherited. Strings without "=" or with an empty
// name are skipped; of duplicates the first wins, as with os.Getenv.
func New(environ []string) *Env {
	// Room for the spec's own variables too: appending one by one regrew
	// the slice seven times (30 KB of a start's allocations).
	e := &Env{vars: make([]Var, 0, len(environ)+16), idx: make(map[string]int, len(environ)+16)}
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			continue
		}
		if _, dup := e.idx[name]; dup {
			continue
		}
		e.Set(Var{Name: name, Value: value, Source: Inherited})
	}
	return e
}

// Lookup returns the value of name and whether it is set.
func (e *Env) Lookup(name string) (string, bool) {
	if i, ok := e.idx[name]; ok {
		return e.vars[i].Value, true
	}
	return "", false
}

// Var returns the variable called name.
func (e *Env) Var(name string) (Var, bool) {
	if i, ok := e.idx[name]; ok {
		return e.vars[i], true
	}
	return Var{}, false
}

// Vars returns a copy of all variables in order.
func (e *Env) Vars() []Var {
	out := make([]Var, len(e.vars))
	copy(out, e.vars)
	return out
}

// Len returns the number of variables.
func (e *Env) Len() int { return len(e.vars) }

// Environ returns the variables as "NAME=value" strings, for exec.
func (e *Env) Environ() []string {
	out := make([]string, len(e.vars))
	for i, v := range e.vars {
		out[i] = v.Name + "=" + v.Value
	}
	return out
}

// Set defines or redefines v.Name. v.Secret is forced on for a Secret
// source and for a name IsSecretName accepts.
func (e *Env) Set(v Var) {
	if e.idx == nil {
		e.idx = map[string]int{}
	}
	v.Secret = v.Secret || v.Source == Secret || IsSecretName(v.Name)
	if i, ok := e.idx[v.Name]; ok {
		e.vars[i] = v
		return
	}
	e.idx[v.Name] = len(e.vars)
	e.vars = append(e.vars, v)
}

// Clone returns an independent copy.
func (e *Env) Clone() *Env {
	c := &Env{vars: e.Vars(), idx: make(map[string]int, len(e.idx))}
	for k, i := range e.idx {
		c.idx[k] = i
	}
	return c
}

// Masker returns a Masker for the values of every secret variable.
func (e *Env) Masker() *Masker {
	var secrets []string
	for _, v := range e.vars {
		if v.Secret {
			secrets = append(secrets, v.Value)
		}
	}
	return NewMasker(secrets...)
}
