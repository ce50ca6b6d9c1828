package environ

import (
	"strings"
	"unicode/utf8"
	"unsafe"
)

// IsSecretName reports whether a variable's name says its value is a
// secret, so plan, logs and errors mask it (issue 6). The name is split
// into words at "_", "-" and "."; matching ignores case.
//
//	rule                                          secret                       not secret
//	contains PASSWORD PASSWD PASSPHRASE SECRET    LDAP_BIND_PASSWORD, DBPASSWD  -
//	  TOKEN CREDENTIAL PRIVATE APIKEY             SECRET_KEY_BASE, GITHUB_TOKEN
//	a whole word KEY PASS PWD PW SALT             API_KEY, MEILI_MASTER_KEY     KEYCLOAK_URL, OIDC_KEYS_ENDPOINT,
//	                                              DB_PASS, SMTP_PW, HASH_SALT   BYPASS_CACHE, HOTKEY
//	...unless the last word describes the value   -                            PRIVATE_KEY_FILE, AWS_ACCESS_KEY_ID,
//	  (FILE PATH DIR ID NAME TYPE URL ENDPOINT                                 PASSWORD_MIN_LENGTH, TOKEN_URL
//	  LENGTH LEN SIZE ALGORITHM ALG EXPIRY TTL)
//	...and a PUBLIC word cancels the word rule    VAPID_PRIVATE_KEY            VAPID_PUBLIC_KEY
//	the shell's own PWD and OLDPWD                -                            PWD, OLDPWD
//
// KEY counts only as a whole word because it starts too many harmless
// names (KEYCLOAK_*, KEYBOARD_*); the plural KEYS usually lists public keys
// or endpoints. Over-masking a value is cheap, leaking one is not, so the
// word rules err towards masking (SORT_KEY is masked).
func IsSecretName(name string) bool {
	// An environment has tens of variables and every start classifies each
	// one several times: upper-case an ASCII name on the stack and split it
	// in place, so that costs no allocation (strings.ToUpper and FieldsFunc
	// made one or two per name).
	var buf [64]byte
	up, ok := upperASCII(&buf, name)
	if !ok {
		up = strings.ToUpper(name) // longer, or not ASCII ('ı' upper-cases to 'I')
	}
	if up == "PWD" || up == "OLDPWD" {
		return false
	}
	if last := lastWord(up); last == "" || descriptors[last] {
		return false
	}
	for _, s := range strongParts {
		if strings.Contains(up, s) {
			return true
		}
	}
	secretWord := false
	for rest := up; rest != ""; {
		var w string
		w, rest = nextWord(rest)
		if w == "PUBLIC" {
			return false
		}
		secretWord = secretWord || secretWords[w]
	}
	return secretWord
}

// upperASCII upper-cases an ASCII name of at most len(buf) bytes into buf
// and returns a string that shares buf's bytes.
func upperASCII(buf *[64]byte, name string) (string, bool) {
	if len(name) > len(buf) {
		return "", false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= utf8.RuneSelf {
			return "", false
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	if len(name) == 0 {
		return "", true
	}
	return unsafe.String(&buf[0], len(name)), true
}

func isWordSep(c byte) bool { return c == '_' || c == '-' || c == '.' }

// nextWord returns the first word of s (words are split at '_', '-' and
// '.'; an empty one is skipped) and what follows it.
func nextWord(s string) (word, rest string) {
	i := 0
	for i < len(s) && isWordSep(s[i]) {
		i++
	}
	j := i
	for j < len(s) && !isWordSep(s[j]) {
		j++
	}
	return s[i:j], s[j:]
}

// lastWord returns the last non-empty word of s, "" when it has none.
func lastWord(s string) string {
	end := len(s)
	for end > 0 && isWordSep(s[end-1]) {
		end--
	}
	start := end
	for start > 0 && !isWordSep(s[start-1]) {
		start--
	}
	return s[start:end]
}

var strongParts = []string{"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "CREDENTIAL", "PRIVATE", "APIKEY"}

var secretWords = map[string]bool{"KEY": true, "PASS": true, "PWD": true, "PW": true, "SALT": true}

var descriptors = map[string]bool{
	"FILE": true, "PATH": true, "DIR": true, "ID": true, "NAME": true, "TYPE": true, "URL": true,
	"ENDPOINT": true, "LENGTH": true, "LEN": true, "SIZE": true, "ALGORITHM": true, "ALG": true,
	"EXPIRY": true, "TTL": true,
}
