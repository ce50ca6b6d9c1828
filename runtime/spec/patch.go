package spec

import (
	"io/fs"
	"path"
	"strings"
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
	Format   Format
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
var formatByExt = map[string]Format{
	".ini": FormatINI, ".env": FormatDotenv, ".json": FormatJSON, ".yaml": FormatYAML, ".yml": FormatYAML,
}

func (p *Patch) check(c *checker, at string) {
	if !c.written[at+".format"] && p.File != "" {
		f, ok := formatByExt[strings.ToLower(path.Ext(p.File))]
		if !ok {
			c.errorf(at+".format", "cannot tell the format of %q from its name: add format = \"ini\" (or \"dotenv\", \"json\", \"yaml\")", p.File)
		}
		p.Format = f
	}
	if len(p.Set) == 0 && len(p.Defaults) == 0 {
		c.errorf(at, "nothing to patch: add set = { \"section.key\" = \"value\" } or defaults = { ... }")
	}
	inSet := map[string]bool{}
	for _, kv := range p.Set {
		inSet[kv.Name] = true
		c.checkExpr(joinKey(at+".set", kv.Name), kv.Value)
	}
	for _, kv := range p.Defaults {
		c.checkExpr(joinKey(at+".defaults", kv.Name), kv.Value)
		if inSet[kv.Name] {
			c.errorf(joinKey(at+".defaults", kv.Name), "%q is also in set, which always wins: keep it in one of them", kv.Name)
		}
	}
}
