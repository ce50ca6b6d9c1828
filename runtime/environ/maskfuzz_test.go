package environ

import (
	"strings"
	"testing"
)

// FuzzMaskBytes: for any secrets and text, the stream's MaskBytes and
// Mask agree, masking twice changes nothing more, and the one-pass finder
// agrees with a bytes.Contains per pattern.
func FuzzMaskBytes(f *testing.F) {
	f.Add("hunter2hunter2\np@ss/word!", "pw hunter2hunter2 and p%40ss%2Fword%21 at postgres://u:x@db\n")
	f.Add("aaaaaaaa", "aaaaaaaaaaaaaaaaa")
	f.Add("12345678\n:2345678", "2025:22:22:22 12345678 http://a:12345678@b")
	f.Add("****abcd1234", "x ****abcd1234 https://u:****abcd1234@h")
	f.Fuzz(func(t *testing.T, secrets, text string) {
		list := strings.Split(secrets, "\n")
		if len(list) > 8 || len(secrets) > 4096 || len(text) > 4096 {
			return // an app has a few secrets; NewMasker's set-up is quadratic in them
		}
		m := NewMasker(list...)
		masked := m.Mask(text)
		if got := string(m.MaskBytes([]byte(text))); got != masked {
			t.Fatalf("MaskBytes(%q) = %q, Mask %q", text, got, masked)
		}
		if !strings.Contains(text, "*") && m.Mask(masked) != masked {
			t.Fatalf("Mask(%q) = %q, masked again %q", text, masked, m.Mask(masked))
		}
		want := false
		for _, p := range m.probe {
			want = want || strings.Contains(text, p)
		}
		if got := m.find().in([]byte(text)); got != want {
			t.Fatalf("finder says %v, Contains %v, for %q in %q", got, want, m.probe, text)
		}
	})
}
