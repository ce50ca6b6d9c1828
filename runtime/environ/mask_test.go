package environ

import (
	"strings"
	"sync"
	"testing"
)

func TestMasker(t *testing.T) {
	t.Parallel()
	m := NewMasker("s3cr3t/pass", "s3cr3t", "abc", "", "it's a secret")
	tests := []struct{ in, want string }{
		{"no secrets here", "no secrets here"},
		{"pw=s3cr3t/pass end", "pw=**** end"},                                 // the longer secret wins
		{"pw=s3cr3t end", "pw=s3cr3t end"},                                    // < MinMaskLen
		{"url postgres://app:s3cr3t%2Fpass@db", "url postgres://app:****@db"}, // url-escaped form
		{`{"pw":"s3cr3t/pass"}`, `{"pw":"****"}`},                             //
		{`echo 'it'\''s a secret'`, `echo '****'`},                            // shell-escaped form
		{`"it's a secret"`, `"****"`},                                         //
		{"abc is too short to mask", "abc is too short to mask"},              // < MinMaskLen
		{"s3cr3t/passs3cr3t/pass", "********"},                                //
	}
	for _, tt := range tests {
		if got := m.Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskerNilAndEmpty(t *testing.T) {
	t.Parallel()
	var m *Masker
	if m.Mask("x") != "x" {
		t.Error("nil Masker changed text")
	}
	if NewMasker().Mask("x") != "x" {
		t.Error("empty Masker changed text")
	}
}

func TestEnvMaskerAndVar(t *testing.T) {
	t.Parallel()
	e := New([]string{"CLOUDRON_POSTGRESQL_PASSWORD=p@ss/word!", "HOST=db", "SHORT_PASSWORD=1"})
	if err := e.AddEntries("env", []Pair{{"DATABASE_URL", "postgres://app:${CLOUDRON_POSTGRESQL_PASSWORD|url}@${HOST}/app"}}, Spec); err != nil {
		t.Fatal(err)
	}
	e.Set(Var{Name: "APP_SEED", Value: "0123456789abcdef", Source: Secret})
	m := e.Masker()
	show := map[string]string{}
	for _, v := range e.Vars() {
		show[v.Name] = m.Var(v)
	}
	want := map[string]string{
		"CLOUDRON_POSTGRESQL_PASSWORD": "****", "HOST": "db", "SHORT_PASSWORD": "****",
		"DATABASE_URL": "postgres://app:****@db/app", "APP_SEED": "****",
	}
	for k, w := range want {
		if show[k] != w {
			t.Errorf("%s shown as %q, want %q", k, show[k], w)
		}
	}
	line := "started with seed 0123456789abcdef and pw p@ss/word! (HOST=db, x=1)"
	if got := m.Mask(line); got != "started with seed **** and pw **** (HOST=db, x=1)" {
		t.Errorf("Mask(line) = %q", got)
	}
}

func TestMaskerConcurrent(t *testing.T) {
	t.Parallel()
	m := NewMasker("topsecret")
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if got := m.Mask("a topsecret b"); got != "a **** b" {
					t.Errorf("got %q", got)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestMaskerNeverLeaks: whatever the surrounding text, a masked line does
// not contain the secret.
func TestMaskerNeverLeaks(t *testing.T) {
	t.Parallel()
	secrets := []string{"aaaaaaaa", "aaaaaaab", "p@ss/w'rd", "日本語のパスワード"}
	m := NewMasker(secrets...)
	for _, pre := range []string{"", "a", "aa", "aaaaaaa", "x"} {
		for _, s := range secrets {
			for _, post := range []string{"", "b", "aaaaaaaa"} {
				got := m.Mask(pre + s + post)
				if strings.Contains(got, s) {
					t.Errorf("Mask(%q) = %q leaks %q", pre+s+post, got, s)
				}
			}
		}
	}
}
