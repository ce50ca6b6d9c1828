package resolve

import (
	"strings"

	"appstart/templates"
)

// checkIncludes judges each ##INCLUDE (not ##INCLUDE?) of a template whose
// file is part of the image: outside the writable roots and made by no
// stage, it is the same at every start, so a missing one is refused now,
// as the templates stage would refuse it. A file under /app/data (the
// user's .env) may appear later and is judged when the template renders.
func (p *Plan) checkIncludes(probs *Problems, key string, tpl *templates.Template) {
	for _, inc := range tpl.Includes() {
		if inc.Optional || p.madeByStage(inc.Path) || p.writable(inc.Path) {
			continue
		}
		if _, err := p.facts.ReadFile(inc.Path); err != nil {
			probs.add(p.Spec.Problem(key, "%s:%d: ##INCLUDE %s: cannot read it: %v (write ##INCLUDE? if it may be missing)",
				tpl.Name(), inc.Line, inc.Path, unwrapPath(err)))
		}
	}
}

// writable reports whether path is under one of the spec's writable roots.
func (p *Plan) writable(path string) bool {
	for _, root := range p.Spec.WritableRoots() {
		if path == root || strings.HasPrefix(path, strings.TrimSuffix(root, "/")+"/") {
			return true
		}
	}
	return false
}
