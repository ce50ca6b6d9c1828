package environ

import (
	"cmp"
	"slices"
	"strings"

	"appstart/templates"
)

// Mask is what a secret is replaced with.
const Mask = "****"

// MinMaskLen is the shortest secret value masked inside free text. Shorter
// values ("1", "true", "admin") occur in ordinary log lines, and masking
// every occurrence would garble them while protecting nothing much; such
// variables are still shown as Mask by [Masker.Var].
const MinMaskLen = 6

// Masker replaces known secret values in text with Mask. It also masks
// each secret's url-, json- and shell-escaped forms, since a password
// reaches logs through DATABASE_URL (percent-encoded) as often as raw. It
// is immutable and safe for concurrent use; a nil *Masker masks nothing.
//
//	m := environ.NewMasker("s3cr3t/pass")
//	m.Mask("connecting to postgres://app:s3cr3t%2Fpass@db") // "connecting to postgres://app:****@db"
//
// Mask whole lines: a secret split across two writes is not recognised.
type Masker struct {
	r *strings.Replacer
	n int
}

// NewMasker returns a Masker for secrets (values shorter than MinMaskLen
// and duplicates are dropped).
func NewMasker(secrets ...string) *Masker {
	var pats []string
	for _, s := range secrets {
		for _, kind := range []string{templates.None, templates.URL, templates.JSON, templates.Shell} {
			if v, err := templates.Escape(kind, s); err == nil && len(v) >= MinMaskLen {
				pats = append(pats, v)
			}
		}
	}
	// Longest first: strings.Replacer tries patterns in argument order, so
	// a secret that contains another is masked whole.
	slices.SortFunc(pats, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	pats = slices.Compact(pats)
	m := &Masker{n: len(pats)}
	if len(pats) > 0 {
		args := make([]string, 0, 2*len(pats))
		for _, p := range pats {
			args = append(args, p, Mask)
		}
		m.r = strings.NewReplacer(args...)
	}
	return m
}

// Mask returns s with every occurrence of a secret replaced by Mask.
func (m *Masker) Mask(s string) string {
	if m == nil || m.r == nil {
		return s
	}
	return m.r.Replace(s)
}

// Var returns how `appstart plan` shows v: Mask for a secret variable,
// otherwise the value with any embedded secret masked.
func (m *Masker) Var(v Var) string {
	if v.Secret {
		return Mask
	}
	return m.Mask(v.Value)
}
