package environ

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
	"sync"

	"appstart/templates"
)

// Mask is what a secret is replaced with.
const Mask = "****"

// MinMaskLen is the shortest secret value searched for in free text.
// Shorter values ("secret", "admin", "1") occur in ordinary words, and
// masking every occurrence garbled appstart's own messages ("Generated ****
// APP_SECRET in /app/data/.app_****" for a password "secret", issue 14)
// while protecting little: a value that short is guessable anyway. Such a
// variable is still shown as Mask where appstart prints it ([Masker.Var]),
// and still masked as the password of a URL (see maskURLPasswords).
const MinMaskLen = 8

// Masker replaces known secret values in text with Mask: appstart's one
// masking policy, used for its own messages, plan, errors, the commands'
// output, and the programs' output on stdout and in `appstart logs` alike.
// What it masks:
//
//   - every secret of at least MinMaskLen bytes, wherever it occurs, and the
//     forms it takes inside larger strings: percent-encoded the ways URLs
//     do it (RFC 3986 components, userinfo, query, either case of hex
//     digits: a password reaches logs through DATABASE_URL as often as
//     raw), and escaped for JSON, YAML, PHP, XML and the shell;
//   - the password of any URL with credentials (scheme://user:PASSWORD@host),
//     whether or not it is a known secret: an env_file's DATABASE_URL may be
//     the only place the password is written.
//
// It is immutable and safe for concurrent use; a nil *Masker masks nothing.
//
//	m := environ.NewMasker("s3cr3t/pass")
//	m.Mask("connecting to postgres://app:s3cr3t%2Fpass@db") // "connecting to postgres://app:****@db"
//	m.Mask("retry with s3cr3t/pass")                       // "retry with ****"
//
// Mask whole lines: a secret split across two writes is not recognised.
type Masker struct {
	r *strings.Replacer
	// probe is the patterns no shorter pattern occurs in: when none of them
	// occurs in a text, no pattern does, and the text is left as is without
	// the replacer's work (the common case of a program's output).
	probe []string
	// find is the same test for MaskBytes, in one pass over the text
	// whatever the number of patterns; built on first use, since most
	// Maskers (one per message of a stage) never see a stream.
	find func() *finder
}

// NewMasker returns a Masker for secrets (values shorter than MinMaskLen
// and duplicates are dropped).
func NewMasker(secrets ...string) *Masker {
	var pats []string
	for _, s := range secrets {
		if len(s) < MinMaskLen {
			continue
		}
		pats = append(pats, forms(s)...)
	}
	// Longest first: strings.Replacer tries patterns in argument order, so
	// a secret that contains another is masked whole.
	slices.SortFunc(pats, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	pats = slices.Compact(pats)
	m := &Masker{}
	m.find = sync.OnceValue(func() *finder { return newFinder(m.probe) })
	if len(pats) > 0 {
		args := make([]string, 0, 2*len(pats))
		for _, p := range pats {
			args = append(args, p, Mask)
		}
		m.r = strings.NewReplacer(args...)
	}
	for i, p := range pats {
		covered := false
		for _, q := range pats[i+1:] { // the shorter ones
			covered = covered || strings.Contains(p, q)
		}
		if !covered {
			m.probe = append(m.probe, p)
		}
	}
	return m
}

// forms returns s and the escaped forms it may take inside a larger string.
func forms(s string) []string {
	out := []string{s, url.QueryEscape(s), url.PathEscape(s),
		strings.TrimPrefix(url.UserPassword("", s).String(), ":")}
	for _, kind := range templates.Escapes() {
		if v, err := templates.Escape(kind, s); err == nil {
			out = append(out, v)
		}
	}
	for _, v := range out[:len(out):len(out)] {
		if lo := lowerHex(v); lo != v {
			out = append(out, lo)
		}
	}
	return out
}

// lowerHex returns s with the hex digits of its %XX escapes in lower case,
// as some encoders (and people) write them.
func lowerHex(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			for j := i + 1; j <= i+2; j++ {
				if 'A' <= b[j] && b[j] <= 'F' {
					b[j] += 'a' - 'A'
				}
			}
		}
	}
	return string(b)
}

// Mask returns s with every secret, and every URL's password, replaced by
// Mask.
func (m *Masker) Mask(s string) string {
	if m == nil {
		return s
	}
	if m.r != nil && slices.ContainsFunc(m.probe, func(p string) bool { return strings.Contains(s, p) }) {
		s = m.r.Replace(s)
	}
	if strings.Contains(s, "://") {
		s = string(maskURLPasswords([]byte(s)))
	}
	return s
}

// MaskBytes is Mask for a chunk of output lines, for the log forwarder: it
// returns b itself when there is nothing to mask, which costs one search
// per distinct secret form and no allocation.
func (m *Masker) MaskBytes(b []byte) []byte {
	if m == nil {
		return b
	}
	if m.r != nil && m.find().in(b) {
		b = []byte(m.r.Replace(string(b)))
	}
	return maskURLPasswords(b)
}

// Var returns how `appstart plan` shows v: Mask for a secret variable,
// otherwise the value with any embedded secret masked.
func (m *Masker) Var(v Var) string {
	if v.Secret {
		return Mask
	}
	return m.Mask(v.Value)
}
