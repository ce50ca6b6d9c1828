package templates

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// Options control one Render call.
type Options struct {
	// Escape is applied to every placeholder without its own ##{NAME|kind}:
	// one of Escapes(); "" means none.
	Escape string
	// Optional names placeholders that render empty when their variable is
	// unset, instead of failing the render.
	Optional map[string]bool
	// Include reads the file of an ##INCLUDE; an error satisfying
	// errors.Is(err, fs.ErrNotExist) is a missing file, which ##INCLUDE?
	// allows. nil refuses every ##INCLUDE.
	Include func(path string) ([]byte, error)
}

// Render fills the template in a single pass: a value is copied to the
// output and never scanned again, so a password holding "##X" or "${X}"
// comes out exactly as it is. ##IF sections render by whether their
// variable is set and non-empty.
//
// Every placeholder that renders and has no value (and is not optional) is
// reported in one *Error, with its line; so is a value the escape cannot
// represent. On error the output is nil: nothing half-rendered is written.
//
//	t, _ := templates.Parse("config.php", []byte("'password' => '##DB_PASSWORD',\n"))
//	out, err := t.Render(os.LookupEnv, templates.Options{Escape: "php"})
//	// DB_PASSWORD=it's\ -> out = "'password' => 'it\'s\\',\n"
func (t *Template) Render(lookup func(string) (string, bool), opts Options) ([]byte, error) {
	if !ValidEscape(opts.Escape) {
		return nil, fmt.Errorf("cannot render template %s: unknown escape %q (known: %s)", t.name, opts.Escape, strings.Join(Escapes(), ", "))
	}
	r := renderer{t: t, lookup: lookup, opts: opts}
	r.err.Template = t.name
	r.out = make([]byte, 0, len(t.src)+len(t.phs)*32)
	r.walk(t.nodes)
	if err := r.err.orNil(); err != nil {
		return nil, err
	}
	return r.out, nil
}

type renderer struct {
	t      *Template
	lookup func(string) (string, bool)
	opts   Options
	out    []byte
	err    Error
}

func (r *renderer) walk(nodes []node) {
	for i := range nodes {
		n := &nodes[i]
		switch n.kind {
		case textNode:
			r.out = append(r.out, r.t.src[n.start:n.end]...)
		case varNode:
			r.value(&r.t.phs[n.ph])
		case includeNode:
			r.include(&r.t.incs[n.ph], n.name)
		case condNode:
			v, ok := r.lookup(n.name)
			if (ok && v != "") != n.neg {
				r.walk(n.then)
			} else {
				r.walk(n.els)
			}
		}
	}
}

// include copies an included file as it is: never scanned for
// placeholders (it is the user's text, as a value is), its last line ended
// with the directive's own terminator when it has none.
func (r *renderer) include(inc *Include, term string) {
	if r.opts.Include == nil {
		r.err.add(inc.Line, "", false, fmt.Sprintf("cannot include %s: this render reads no files", inc.Path))
		return
	}
	data, err := r.opts.Include(inc.Path)
	switch {
	case err != nil && inc.Optional && errors.Is(err, fs.ErrNotExist):
		return
	case errors.Is(err, fs.ErrNotExist):
		r.err.add(inc.Line, "", false, fmt.Sprintf("cannot include %s: no such file (write ##INCLUDE? if it may be missing)", inc.Path))
		return
	case err != nil:
		r.err.add(inc.Line, "", false, fmt.Sprintf("cannot include %s: %v", inc.Path, err))
		return
	}
	r.out = append(r.out, data...)
	if len(data) > 0 && data[len(data)-1] != '\n' {
		r.out = append(r.out, term...)
	}
}

func (r *renderer) value(ph *Placeholder) {
	v, ok := r.lookup(ph.Name)
	if !ok {
		if !r.opts.Optional[ph.Name] {
			r.err.add(ph.Line, ph.Name, true, ph.Name+" is not set")
		}
		return
	}
	kind := ph.Escape
	if kind == "" {
		kind = r.opts.Escape
	}
	if kind == "" || kind == None {
		r.out = append(r.out, v...)
		return
	}
	esc, err := Escape(kind, v)
	if err != nil {
		r.err.add(ph.Line, ph.Name, false, fmt.Sprintf("cannot escape %s for %s: %v", ph.Name, kind, err))
		return
	}
	r.out = append(r.out, esc...)
}
