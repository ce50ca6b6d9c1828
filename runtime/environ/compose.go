package environ

import (
	"fmt"
	"strconv"
	"strings"
)

// Pair is one NAME = "expression" entry of a spec table, in written order
// (the spec keeps TOML's order; a Go map would lose it).
type Pair struct {
	Name  string
	Value string
}

// AddDefaults applies [env_defaults]: each pair whose variable is unset is
// expanded and set with Source Default; a pair for a variable that is set
// (even to "") is skipped without being expanded, so a default may refer
// to variables that only exist outside the platform. section prefixes the
// keys in errors ("env_defaults").
func (e *Env) AddDefaults(section string, pairs []Pair) error {
	return e.apply(section, pairs, Default, true)
}

// AddEntries applies ordered entries ([env], or a program's environment
// table on a Clone): each value is expanded against the environment as it
// stands, which includes the earlier entries, and set with src. As in a
// shell script, order matters:
//
//	[env]
//	DB_URL = "postgres://${DB_USER}@db/app"   # DB_USER is not set yet: error
//	DB_USER = "app"
//
// gives "env.DB_URL: ${DB_USER} refers to env.DB_USER, which is defined
// later: move DB_USER above DB_URL"; when the two refer to each other the
// message names the cycle. A variable already in the environment is not a
// forward reference: PATH = "/app/code/bin:${PATH}" extends the inherited
// PATH. Every problem of every entry is reported in one *Error.
func (e *Env) AddEntries(section string, pairs []Pair, src Source) error {
	return e.apply(section, pairs, src, false)
}

func (e *Env) apply(section string, pairs []Pair, src Source, onlyUnset bool) error {
	var errs Error
	refs := make([][]string, len(pairs))
	bad := make([]bool, len(pairs))
	for i, p := range pairs {
		r, err := Refs(p.Value)
		if err != nil {
			errs.merge(err, section+"."+p.Name)
			bad[i] = true
			continue
		}
		refs[i] = r
	}
	failed := map[string]bool{}
	inCycle := map[string]bool{} // names of reported cycles: each cycle is one problem
	for i, p := range pairs {
		key := section + "." + p.Name
		if onlyUnset {
			if _, set := e.Lookup(p.Name); set {
				continue
			}
		}
		if bad[i] || inCycle[p.Name] { // already reported
			failed[p.Name] = true
			continue
		}
		if e.forwardRefs(section, pairs, refs, i, failed, inCycle, &errs) {
			failed[p.Name] = true
			continue
		}
		v, err := Expand(p.Value, e.Lookup)
		if err != nil {
			errs.merge(err, key)
			failed[p.Name] = true
			continue
		}
		delete(failed, p.Name)
		e.Set(Var{Name: p.Name, Value: v, Source: src, Origin: key})
	}
	return errs.orNil()
}

// forwardRefs reports (into errs) each variable that entry i refers to
// which is unset now but defined by a later entry, and returns whether
// entry i must be skipped. A reference to an earlier entry that failed is
// skipped silently: its own error already explains it.
func (e *Env) forwardRefs(section string, pairs []Pair, refs [][]string, i int, failed, inCycle map[string]bool, errs *Error) bool {
	skip := false
	for _, r := range refs[i] {
		if _, set := e.Lookup(r); set {
			continue
		}
		if failed[r] {
			skip = true
			continue
		}
		j := definedAfter(pairs, r, i)
		if j < 0 {
			continue // plainly unset: Expand reports it
		}
		skip = true
		msg := fmt.Sprintf("${%s} refers to %s.%s, which is defined later: move %s above %s", r, section, r, r, pairs[i].Name)
		if path := e.cycle(pairs, refs, i, j); path != nil {
			for _, n := range path {
				inCycle[n] = true
			}
			msg = fmt.Sprintf("${%s} refers to %s.%s, which refers back to %s (cycle %s)", r, section, r, pairs[i].Name, strings.Join(path, " -> "))
		}
		errs.add(Problem{Key: section + "." + pairs[i].Name, Var: r, Msg: msg})
	}
	return skip
}

// definedAfter returns the index of the first entry after i named name,
// or -1.
func definedAfter(pairs []Pair, name string, i int) int {
	for j := i + 1; j < len(pairs); j++ {
		if pairs[j].Name == name {
			return j
		}
	}
	return -1
}

// cycle returns the reference path from entry i through entry j back to
// entry i's name, following only references to later, unset entries; nil
// if there is none.
func (e *Env) cycle(pairs []Pair, refs [][]string, i, j int) []string {
	target := pairs[i].Name
	seen := map[int]bool{}
	var dfs func(k int, path []string) []string
	dfs = func(k int, path []string) []string {
		if seen[k] {
			return nil
		}
		seen[k] = true
		path = append(path, pairs[k].Name)
		for _, r := range refs[k] {
			if r == target {
				return append(path, r)
			}
			if _, set := e.Lookup(r); set {
				continue
			}
			if n := definedAfter(pairs, r, i); n >= 0 && n != k {
				if p := dfs(n, path); p != nil {
					return p
				}
			}
		}
		return nil
	}
	return dfs(j, []string{target})
}

// Entry is one assignment read from an env file. Line is 1-based.
type Entry struct {
	Name  string
	Value string
	Line  int
}

// Ignored is an env_file entry that did not apply because the variable is
// managed; the stage logs it ("ignored /app/data/env:3 DB_HOST: set by env")
// so a user learns why an override had no effect.
type Ignored struct {
	File  string
	Entry Entry
	By    Var // the variable that won, as it stands
}

func (ig Ignored) String() string {
	origin := ig.By.Origin
	if origin == "" {
		origin = ig.By.Source.String()
	}
	return ig.File + ":" + strconv.Itoa(ig.Entry.Line) + ": " + ig.Entry.Name + " is managed by " + origin +
		" and not overridable; the entry is ignored"
}

// AddOverrides applies the entries of one user env file in order, with
// Source EnvFile and Origin "file:line". Values are literal (no ${}
// expansion: a user's password may hold "$"). An entry for a variable whose
// current Source is Managed is skipped and returned, unless overridable
// (which may be nil) says the spec allows it. Call it once per file, in
// the spec's order: a later file overrides an earlier one.
func (e *Env) AddOverrides(file string, entries []Entry, overridable func(name string) bool) []Ignored {
	var ignored []Ignored
	for _, en := range entries {
		if cur, ok := e.Var(en.Name); ok && cur.Source.Managed() && (overridable == nil || !overridable(en.Name)) {
			ignored = append(ignored, Ignored{File: file, Entry: en, By: cur})
			continue
		}
		e.Set(Var{Name: en.Name, Value: en.Value, Source: EnvFile, Origin: file + ":" + strconv.Itoa(en.Line)})
	}
	return ignored
}
