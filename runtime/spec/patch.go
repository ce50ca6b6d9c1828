package spec

import (
	"io/fs"
	"path"
	"strings"
	"sync"
)

// Patch is one [[patch]] entry: managed keys set in a user-owned file,
// everything else kept. Set keys are written on every start, Defaults
// only where the key is absent or empty; keys are dotted paths
// ("section.key" for ini), values hold ${VAR} expressions.
//
//	[[patch]]
//	file = "/app/data/config.ini"   // Patch{File: ..., Format: FormatINI,
//	set = { "mail.host" = "${CLOUDRON_MAIL_SMTP_SERVER}" }
//	                                //       Set: []Pair{{"mail.host", "${CLOUDRON_MAIL_SMTP_SERVER}"}}}
type Patch struct {
	File string // under /run, /tmp or /app/data
	// Format is written, or else taken from File's extension.
	Format Format
	// Dialect is for ini only: "" is raw.
	Dialect  Dialect
	Set      []Pair
	Defaults []Pair
	// Owner "" keeps the file's owner (a new file gets the top-level
	// user); Mode 0 keeps its mode (a new file gets 0640).
	Owner  string
	Mode   fs.FileMode
	When   Cond
	Unless Cond
}

// formatByExt maps file extensions to patch formats.
// Built on first use: only a [[patch]] needs it.
var formatByExt = sync.OnceValue(func() map[string]Format {
	return map[string]Format{
		".ini": FormatINI, ".env": FormatDotenv, ".json": FormatJSON, ".yaml": FormatYAML, ".yml": FormatYAML,
		".properties": FormatProperties,
	}
})

func (p *Patch) check(c *checker, at string) {
	if !c.written[at+".format"] && p.File != "" {
		f, ok := formatByExt()[strings.ToLower(path.Ext(p.File))]
		if !ok {
			c.errorf(at+".format", "cannot tell the format of %q from its name: add format = \"ini\" (or \"dotenv\", \"json\", \"yaml\", \"properties\")", p.File)
		}
		p.Format = f
	}
	if c.written[at+".dialect"] && p.Format != FormatINI && p.Format != "" {
		c.errorf(at+".dialect", "dialect is for ini files; %s has one way to write a value", p.Format)
	}
	// A key refused while decoding was written: no "nothing to patch" too.
	if len(p.Set) == 0 && len(p.Defaults) == 0 && !c.written[at+".set"] && !c.written[at+".defaults"] {
		c.errorf(at, "nothing to patch: add set = { \"section.key\" = \"value\" } or defaults = { ... }")
	}
	inSet := map[string]bool{}
	for _, kv := range p.Set {
		inSet[kv.Name] = true
		p.checkKey(c, joinKey(at+".set", kv.Name), kv.Name)
		c.checkExpr(joinKey(at+".set", kv.Name), kv.Value)
	}
	for _, kv := range p.Defaults {
		p.checkKey(c, joinKey(at+".defaults", kv.Name), kv.Name)
		c.checkExpr(joinKey(at+".defaults", kv.Name), kv.Value)
		if inSet[kv.Name] {
			c.errorf(joinKey(at+".defaults", kv.Name), "%q is also in set, which always wins: keep it in one of them", kv.Name)
		}
	}
}

// checkKey refuses a key path the format cannot address. ".key" is the
// top, sectionless part of an ini file; a properties key is one flat name
// and may be anything but empty.
func (p *Patch) checkKey(c *checker, at, name string) {
	switch {
	case p.Format == FormatProperties:
	case p.Format == FormatINI && strings.HasPrefix(name, ".") && len(name) > 1:
	case strings.HasPrefix(name, "."):
		c.errorf(at, `%q is not a key path: write "section.key" or "a.b.c"`, name)
	}
}
