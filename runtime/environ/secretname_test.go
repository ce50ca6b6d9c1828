package environ

import (
	"strings"
	"testing"
)

func TestIsSecretName(t *testing.T) {
	t.Parallel()
	secret := []string{
		"PASSWORD", "DB_PASSWORD", "CLOUDRON_MYSQL_PASSWORD", "LDAP_BIND_PASSWORD", "DBPASSWORD", "MYSQL_ROOTPASSWD",
		"GPG_PASSPHRASE", "APP_SECRET", "SECRET_KEY_BASE", "CLOUDRON_OIDC_CLIENT_SECRET", "TURN_SECRET",
		"GITHUB_TOKEN", "AUTH_TOKEN", "ACCESS_TOKEN", "GOOGLE_CREDENTIALS", "VAPID_PRIVATE_KEY", "PRIVATE_KEY",
		"API_KEY", "APIKEY", "OPENAI_APIKEY", "MEILI_MASTER_KEY", "ENCRYPTION_KEY", "AWS_SECRET_ACCESS_KEY",
		"SMTP_PASS", "DB_PWD", "SMTP_PW", "HASH_SALT", "SALT", "KEY", "secret_key_base", "db-password", "app.key",
		"SORT_KEY", // over-masking is the safe side
	}
	notSecret := []string{
		"", "PATH", "HOME", "PWD", "OLDPWD", "KEYCLOAK_URL", "KEYBOARD_LAYOUT", "CLOUDRON_OIDC_KEYS_ENDPOINT",
		"SSH_AUTHORIZED_KEYS", "BYPASS_CACHE", "PASSENGER_ENV", "HOTKEY", "MONKEY", "VAPID_PUBLIC_KEY",
		"PRIVATE_KEY_FILE", "PASSWORD_FILE", "TLS_KEY_PATH", "AWS_ACCESS_KEY_ID", "PASSWORD_MIN_LENGTH",
		"TOKEN_URL", "OIDC_TOKEN_ENDPOINT", "SECRETS_DIR", "KEY_TYPE", "CLOUDRON_MYSQL_HOST", "DATABASE_URL",
		"CLOUDRON_OIDC_CLIENT_ID", "WORKERS", "TOKEN_TTL", "___",
	}
	for _, n := range secret {
		if !IsSecretName(n) {
			t.Errorf("IsSecretName(%q) = false, want true", n)
		}
	}
	for _, n := range notSecret {
		if IsSecretName(n) {
			t.Errorf("IsSecretName(%q) = true, want false", n)
		}
	}
}

// isSecretNameReference is IsSecretName as first written (upper-case the
// name, split it with FieldsFunc): the allocation-free one must agree.
func isSecretNameReference(name string) bool {
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
	for _, w := range words {
		if w == "PUBLIC" {
			return false
		}
	}
	for _, w := range words {
		if secretWords[w] {
			return true
		}
	}
	return false
}

var secretNameCorpus = []string{
	"", "_", "-.-", "PWD", "pwd", "OldPwd", "DB_PASSWORD", "db_password_", "__KEY__", "KEY.", ".key",
	"VAPID_PUBLIC_KEY", "public_key_pass", "PRIVATE_KEY_FILE", "my-api.key", "HOTKEY", "SALT_PUBLIC",
	"paſſword", "dbpaſſwd", "ı_key", "ключ_KEY", "PASS_ß", "token_ı", "é",
	strings.Repeat("A", 63) + "_", strings.Repeat("A_", 32), strings.Repeat("A_", 40) + "KEY",
	strings.Repeat("x", 64), strings.Repeat("x", 60) + "_KEY", strings.Repeat("x", 61) + "_KEY",
}

func TestIsSecretNameAgreesWithReference(t *testing.T) {
	t.Parallel()
	for _, n := range secretNameCorpus {
		if got, want := IsSecretName(n), isSecretNameReference(n); got != want {
			t.Errorf("IsSecretName(%q) = %v, the reference says %v", n, got, want)
		}
	}
}

func FuzzIsSecretName(f *testing.F) {
	for _, n := range secretNameCorpus {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := IsSecretName(name), isSecretNameReference(name); got != want {
			t.Fatalf("IsSecretName(%q) = %v, the reference says %v", name, got, want)
		}
	})
}

// Every start classifies each variable of its environment several times.
func TestIsSecretNameDoesNotAllocate(t *testing.T) {
	for _, n := range []string{"CLOUDRON_MYSQL_PASSWORD", "VAPID_PUBLIC_KEY", "HOME", "db-password", strings.Repeat("A_", 32)} {
		if a := testing.AllocsPerRun(100, func() { IsSecretName(n) }); a != 0 {
			t.Errorf("IsSecretName(%q) allocates %v times", n, a)
		}
	}
}

func BenchmarkIsSecretName(b *testing.B) {
	names := []string{"CLOUDRON_MYSQL_PASSWORD", "CLOUDRON_MYSQL_HOST", "PATH", "HOME", "VAPID_PUBLIC_KEY", "APP_DOMAIN", "SECRET_KEY_BASE", "HOSTNAME"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		IsSecretName(names[i%len(names)])
	}
}
