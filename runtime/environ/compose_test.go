package environ

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestAddDefaults(t *testing.T) {
	t.Parallel()
	e := New([]string{"CLOUDRON_APP_ORIGIN=https://app.example", "EMPTY="})
	err := e.AddDefaults("env_defaults", []Pair{
		{"CLOUDRON_APP_ORIGIN", "http://localhost:3000"}, // set: skipped
		{"EMPTY", "not used"},                            // set to "": skipped (only unset is filled)
		{"CLOUDRON_MYSQL_HOST", "localhost"},
		{"CLOUDRON_MYSQL_URL", "mysql://${CLOUDRON_MYSQL_HOST}/app"}, // sees the earlier default
		{"CLOUDRON_APP_ORIGIN", "${NEVER_EXPANDED}"},                 // set: not expanded, no error
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"CLOUDRON_APP_ORIGIN=https://app.example", "EMPTY=", "CLOUDRON_MYSQL_HOST=localhost", "CLOUDRON_MYSQL_URL=mysql://localhost/app"}
	if got := e.Environ(); !slices.Equal(got, want) {
		t.Errorf("Environ() = %q, want %q", got, want)
	}
	if v, _ := e.Var("CLOUDRON_MYSQL_HOST"); v.Source != Default || v.Origin != "env_defaults.CLOUDRON_MYSQL_HOST" {
		t.Errorf("provenance %+v", v)
	}
}

func TestAddEntriesOrder(t *testing.T) {
	t.Parallel()
	e := New([]string{"PATH=/usr/bin", "CLOUDRON_POSTGRESQL_PASSWORD=p@ss/w", "HOST=db"})
	err := e.AddEntries("env", []Pair{
		{"PATH", "/app/code/bin:${PATH}"}, // extends the inherited PATH
		{"DB_USER", "app"},
		{"DATABASE_URL", "postgres://${DB_USER}:${CLOUDRON_POSTGRESQL_PASSWORD|url}@${HOST}/app"},
		{"HOST", "override"}, // redefining an inherited var after use: sequential, like a shell
	}, Spec)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"PATH=/app/code/bin:/usr/bin", "CLOUDRON_POSTGRESQL_PASSWORD=p@ss/w", "HOST=override",
		"DB_USER=app", "DATABASE_URL=postgres://app:p%40ss%2Fw@db/app"}
	if got := e.Environ(); !slices.Equal(got, want) {
		t.Errorf("Environ() =\n%q\nwant\n%q", got, want)
	}
	v, _ := e.Var("DATABASE_URL")
	if v.Source != Spec || v.Origin != "env.DATABASE_URL" {
		t.Errorf("provenance %+v", v)
	}
}

func TestAddEntriesErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		pairs []Pair
		want  string
		unset []string
	}{
		{"all unset at once", []Pair{{"A", "${X}"}, {"B", "ok"}, {"C", "${Y}-${X}"}},
			"env.A: ${X} is not set (write ${X:-} if it may be absent); env.C: ${Y} is not set (write ${Y:-} if it may be absent); env.C: ${X} is not set (write ${X:-} if it may be absent)",
			[]string{"X", "Y"}},
		{"defined later", []Pair{{"DB_URL", "postgres://${DB_USER}@db"}, {"DB_USER", "app"}},
			"env.DB_URL: ${DB_USER} refers to env.DB_USER, which is defined later: move DB_USER above DB_URL", nil},
		{"cycle of two", []Pair{{"A", "${B}"}, {"B", "${A}"}},
			"env.A: ${B} refers to env.B, which refers back to A (cycle A -> B -> A)", nil},
		{"cycle of three", []Pair{{"A", "x${B}"}, {"B", "${C:-z}"}, {"C", "${A}"}},
			"env.A: ${B} refers to env.B, which refers back to A (cycle A -> B -> C -> A)", nil},
		{"self reference of an unset var", []Pair{{"A", "${A}:x"}},
			"env.A: ${A} is not set (write ${A:-} if it may be absent)", []string{"A"}},
		{"syntax error does not cascade", []Pair{{"A", "${"}, {"B", "${A}"}},
			"env.A: bad expression at byte 0: ${ must be followed by a variable name ([A-Za-z_][A-Za-z0-9_]*)", nil},
		{"unset does not cascade", []Pair{{"A", "${X}"}, {"B", "${A}"}},
			"env.A: ${X} is not set (write ${X:-} if it may be absent)", []string{"X"}},
	}
	for _, tt := range tests {
		e := New(nil)
		err := e.AddEntries("env", tt.pairs, Spec)
		var ee *Error
		if !errors.As(err, &ee) {
			t.Errorf("%s: err = %v, want *Error", tt.name, err)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, err, tt.want)
		}
		if got := ee.Unset(); !slices.Equal(got, tt.unset) {
			t.Errorf("%s: Unset() = %v, want %v", tt.name, got, tt.unset)
		}
	}
}

// TestForwardRefToInherited: a later [env] entry of a variable that the
// platform already set is not a forward reference; the earlier entry sees
// the platform's value, as a shell script would.
func TestForwardRefToInherited(t *testing.T) {
	t.Parallel()
	e := New([]string{"B=platform"})
	if err := e.AddEntries("env", []Pair{{"A", "${B}"}, {"B", "spec"}}, Spec); err != nil {
		t.Fatal(err)
	}
	if got := e.Environ(); !slices.Equal(got, []string{"B=spec", "A=platform"}) {
		t.Errorf("Environ() = %q", got)
	}
}

func TestAddOverrides(t *testing.T) {
	t.Parallel()
	e := New([]string{"CLOUDRON_MYSQL_PASSWORD=platform"})
	_ = e.AddDefaults("env_defaults", []Pair{{"CLOUDRON_APP_ORIGIN", "http://localhost"}})
	_ = e.AddEntries("env", []Pair{{"DB_HOST", "mysql"}, {"LOG_LEVEL", "info"}}, Spec)
	e.Set(Var{Name: "WORKERS", Value: "4", Source: Workers})
	entries := []Entry{
		{"CLOUDRON_APP_ORIGIN", "https://mine", 1}, // default: overridable
		{"DB_HOST", "evil", 2},                     // [env]: managed
		{"LOG_LEVEL", "debug", 3},                  // [env] but listed overridable
		{"WORKERS", "64", 4},                       // managed
		{"CLOUDRON_MYSQL_PASSWORD", "x", 5},        // platform: managed
		{"MY_FLAG", "on", 6},                       // new
		{"MY_FLAG", "off", 7},                      // a later line wins
	}
	ignored := e.AddOverrides("/app/data/env", entries, func(n string) bool { return n == "LOG_LEVEL" })
	var names []string
	for _, ig := range ignored {
		names = append(names, ig.Entry.Name)
	}
	if !slices.Equal(names, []string{"DB_HOST", "WORKERS", "CLOUDRON_MYSQL_PASSWORD"}) {
		t.Errorf("ignored %v", names)
	}
	if s := ignored[0].String(); s != "/app/data/env:2: DB_HOST is managed by env.DB_HOST and not overridable; the entry is ignored" {
		t.Errorf("Ignored.String() = %q", s)
	}
	if s := ignored[2].String(); !strings.Contains(s, "managed by environment") {
		t.Errorf("Ignored.String() = %q", s)
	}
	for name, want := range map[string]string{"CLOUDRON_APP_ORIGIN": "https://mine", "DB_HOST": "mysql",
		"LOG_LEVEL": "debug", "WORKERS": "4", "CLOUDRON_MYSQL_PASSWORD": "platform", "MY_FLAG": "off"} {
		if v, _ := e.Lookup(name); v != want {
			t.Errorf("%s = %q, want %q", name, v, want)
		}
	}
	if v, _ := e.Var("MY_FLAG"); v.Source != EnvFile || v.Origin != "/app/data/env:7" {
		t.Errorf("provenance %+v", v)
	}
	// A second file may override the first (env_file entries are not managed).
	if ig := e.AddOverrides("/app/data/env.local", []Entry{{"MY_FLAG", "later", 1}}, nil); len(ig) != 0 {
		t.Errorf("ignored %v", ig)
	}
	if v, _ := e.Lookup("MY_FLAG"); v != "later" {
		t.Errorf("MY_FLAG = %q", v)
	}
}
