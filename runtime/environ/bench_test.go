package environ

import (
	"fmt"
	"strings"
	"testing"
)

func BenchmarkExpand(b *testing.B) {
	lookup := lookupIn(map[string]string{"U": "app", "PW": "3f1c9e0b7a52d84e/6c1fa0937b2e5d48", "HOST": "postgresql", "DB": "db_0123"})
	const s = "postgres://${U}:${PW|url}@${HOST}:${PORT:-5432}/${DB}?sslmode=disable"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Expand(s, lookup); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompose: a container environment of 60 variables, 10 defaults
// and 20 [env] entries, as one start does.
func BenchmarkCompose(b *testing.B) {
	var base []string
	for i := range 60 {
		base = append(base, fmt.Sprintf("CLOUDRON_VAR_%d=value-%d", i, i))
	}
	var defaults, entries []Pair
	for i := range 10 {
		defaults = append(defaults, Pair{fmt.Sprintf("DEFAULT_%d", i), "${CLOUDRON_VAR_1:-x}"})
	}
	for i := range 20 {
		entries = append(entries, Pair{fmt.Sprintf("APP_%d", i), fmt.Sprintf("x://${CLOUDRON_VAR_%d|url}@${DEFAULT_%d}", i, i%10)})
	}
	b.ReportAllocs()
	for b.Loop() {
		e := New(base)
		if err := e.AddDefaults("env_defaults", defaults); err != nil {
			b.Fatal(err)
		}
		if err := e.AddEntries("env", entries, Spec); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMask(b *testing.B) {
	var secrets []string
	for i := range 10 {
		secrets = append(secrets, fmt.Sprintf("3f1c9e0b7a52d84e6c1fa0937b2e5d4%d", i))
	}
	m := NewMasker(secrets...)
	line := strings.Repeat("GET /index.php?x=1 200 ", 5) + secrets[3]
	b.ReportAllocs()
	for b.Loop() {
		_ = m.Mask(line)
	}
}
