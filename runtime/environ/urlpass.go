package environ

import "bytes"

// maskURLPasswords replaces the password of every URL with credentials in
// b (scheme://user:PASSWORD@host) by Mask, and returns b itself when there
// is none. The authority is taken to end at the first character a URL's
// authority cannot hold unescaped ('/', '?', '#', a space, a quote...), its
// userinfo at its last '@'; a password already masked is left alone, so
// masking twice changes nothing.
//
//	maskURLPasswords([]byte("dsn=postgres://app:hunter2@db:5432/app")) // "dsn=postgres://app:****@db:5432/app"
//	maskURLPasswords([]byte("see http://example.com/a@b"))             // unchanged: no userinfo
func maskURLPasswords(b []byte) []byte {
	// No '@', no credentials: one fast scan for a byte rare in logs, where
	// "://" alone is not (the ':' of every timestamp is a candidate).
	if bytes.IndexByte(b, '@') < 0 {
		return b
	}
	var out []byte // nil until the first replacement
	last := 0      // b[:last] is in out
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("://"))
		if j < 0 {
			break
		}
		start := i + j + 3
		end := start
		for end < len(b) && !endsAuthority(b[end]) {
			end++
		}
		auth := b[start:end]
		i = end
		at := bytes.LastIndexByte(auth, '@')
		if at < 0 {
			continue
		}
		colon := bytes.IndexByte(auth[:at], ':')
		if colon < 0 || colon+1 == at || string(auth[colon+1:at]) == Mask {
			continue
		}
		out = append(out, b[last:start+colon+1]...)
		out = append(out, Mask...)
		last = start + at
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

func endsAuthority(c byte) bool {
	switch c {
	case '/', '?', '#', '"', '<', '>', '`', '\\', ' ', 0x7f:
		return true
	}
	return c < ' '
}
