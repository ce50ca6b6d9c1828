package environ

import "strings"

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
	up := strings.ToUpper(name)
	if up == "PWD" || up == "OLDPWD" {
		return false
	}
	words := strings.FieldsFunc(up, func(r rune) bool { return r == '_' || r == '-' || r == '.' })
	if len(words) == 0 || descriptors[words[len(words)-1]] {
		return false
	}
	for _, s := range strongParts {
		if strings.Contains(up, s) {
			return true
		}
	}
	public := false
	for _, w := range words {
		public = public || w == "PUBLIC"
	}
	if public {
		return false
	}
	for _, w := range words {
		if secretWords[w] {
			return true
		}
	}
	return false
}

var strongParts = []string{"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "CREDENTIAL", "PRIVATE", "APIKEY"}

var secretWords = map[string]bool{"KEY": true, "PASS": true, "PWD": true, "PW": true, "SALT": true}

var descriptors = map[string]bool{
	"FILE": true, "PATH": true, "DIR": true, "ID": true, "NAME": true, "TYPE": true, "URL": true,
	"ENDPOINT": true, "LENGTH": true, "LEN": true, "SIZE": true, "ALGORITHM": true, "ALG": true,
	"EXPIRY": true, "TTL": true,
}
