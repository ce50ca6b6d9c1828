package environ

import "testing"

func TestAddon(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		ok         bool
	}{
		{"CLOUDRON_POSTGRESQL_PASSWORD", "postgresql", true},
		{"POSTGRESQL_PASSWORD", "postgresql", true},
		{"CLOUDRON_MAIL_SMTP_SERVER", "sendmail", true},
		{"CLOUDRON_LDAP_BIND_DN", "ldap", true},
		{"CLOUDRON_APP_ORIGIN", "platform", true},
		{"CLOUDRON", "platform", true},
		{"APP_SECRET", "", false},
		{"CLOUDRON_NOT_A_THING", "", false},
	} {
		got, ok := Addon(tc.name)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Addon(%q) = %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	if vs := AddonVars("redis"); len(vs) != 4 || vs[0] != "CLOUDRON_REDIS_URL" {
		t.Errorf("AddonVars(redis) = %v", vs)
	}
}
