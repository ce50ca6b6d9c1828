package environ

import (
	"slices"
	"testing"
)

func TestNewAndEnviron(t *testing.T) {
	t.Parallel()
	e := New([]string{"A=1", "B=x=y", "NOEQUALS", "=bad", "A=second", "EMPTY="})
	if got := e.Environ(); !slices.Equal(got, []string{"A=1", "B=x=y", "EMPTY="}) {
		t.Errorf("Environ() = %q", got)
	}
	if v, ok := e.Lookup("B"); !ok || v != "x=y" {
		t.Errorf("Lookup(B) = %q, %v", v, ok)
	}
	if v, ok := e.Lookup("EMPTY"); !ok || v != "" {
		t.Errorf("Lookup(EMPTY) = %q, %v; set-but-empty must be set", v, ok)
	}
	if _, ok := e.Lookup("NOEQUALS"); ok {
		t.Error("a string without = became a variable")
	}
	if v, _ := e.Var("A"); v.Source != Inherited || v.Origin != "" {
		t.Errorf("Var(A) = %+v", v)
	}
}

func TestSetKeepsPositionAndMarksSecrets(t *testing.T) {
	t.Parallel()
	e := New([]string{"A=1", "B=2"})
	e.Set(Var{Name: "A", Value: "new", Source: Spec, Origin: "env.A"})
	e.Set(Var{Name: "DB_PASSWORD", Value: "pw", Source: Inherited})
	e.Set(Var{Name: "APP_SEED", Value: "s", Source: Secret})
	if got := e.Environ(); !slices.Equal(got, []string{"A=new", "B=2", "DB_PASSWORD=pw", "APP_SEED=s"}) {
		t.Errorf("Environ() = %q", got)
	}
	for name, want := range map[string]bool{"A": false, "DB_PASSWORD": true, "APP_SEED": true} {
		if v, _ := e.Var(name); v.Secret != want {
			t.Errorf("%s.Secret = %v, want %v", name, v.Secret, want)
		}
	}
	if e.Len() != 4 {
		t.Errorf("Len() = %d", e.Len())
	}
}

func TestCloneIsIndependent(t *testing.T) {
	t.Parallel()
	e := New([]string{"A=1"})
	c := e.Clone()
	c.Set(Var{Name: "A", Value: "2", Source: Program})
	c.Set(Var{Name: "B", Value: "3", Source: Program})
	if v, _ := e.Lookup("A"); v != "1" {
		t.Errorf("original changed: A=%q", v)
	}
	if _, ok := e.Lookup("B"); ok {
		t.Error("original gained B")
	}
	vars := e.Vars()
	vars[0].Value = "mutated"
	if v, _ := e.Lookup("A"); v != "1" {
		t.Error("Vars returned shared storage")
	}
}

func TestZeroEnvUsable(t *testing.T) {
	t.Parallel()
	var e Env
	e.Set(Var{Name: "A", Value: "1"})
	if v, ok := e.Lookup("A"); !ok || v != "1" {
		t.Errorf("zero Env: %q %v", v, ok)
	}
}

func TestSourceStrings(t *testing.T) {
	t.Parallel()
	want := map[Source]string{Inherited: "environment", Default: "env_defaults", Spec: "env", Secret: "secrets",
		Workers: "workers", EnvFile: "env_file", Program: "program", Source(99): "unknown"}
	for s, w := range want {
		if s.String() != w {
			t.Errorf("%d.String() = %q, want %q", s, s.String(), w)
		}
	}
	for _, s := range []Source{Inherited, Spec, Secret, Workers, Program} {
		if !s.Managed() {
			t.Errorf("%s is not managed", s)
		}
	}
	for _, s := range []Source{Default, EnvFile} {
		if s.Managed() {
			t.Errorf("%s is managed", s)
		}
	}
}
