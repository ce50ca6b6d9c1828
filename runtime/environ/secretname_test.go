package environ

import "testing"

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
