package templates

import (
	"errors"
	"slices"
	"sync"
	"testing"
)

func TestUnsetCollectsAll(t *testing.T) {
	t.Parallel()
	src := "a=##MISSING_A\nb=##DB_HOST\nc=##{MISSING_B|url}\n##IF A\nd=##MISSING_A##\n##END\n##IF NOPE\nnever=##MISSING_C\n##END\n"
	_, err := render(t, src, Options{})
	var te *Error
	if !errors.As(err, &te) {
		t.Fatalf("err = %v (%T), want *Error", err, err)
	}
	want := "template t: line 1: MISSING_A is not set; line 3: MISSING_B is not set; line 5: MISSING_A is not set"
	if err.Error() != want {
		t.Errorf("err =\n%s\nwant\n%s", err, want)
	}
	if got := te.Unset(); !slices.Equal(got, []string{"MISSING_A", "MISSING_B"}) {
		t.Errorf("Unset() = %v", got)
	}
}

func TestOptional(t *testing.T) {
	t.Parallel()
	got, err := render(t, "smtp=##SMTP_HOST;port=##DB_PORT", Options{Optional: map[string]bool{"SMTP_HOST": true, "DB_PORT": true}})
	if err != nil || got != "smtp=;port=5432" {
		t.Errorf("got %q, %v; an optional unset placeholder renders empty, a set one its value", got, err)
	}
}

func TestConditionals(t *testing.T) {
	t.Parallel()
	tests := []struct{ src, want string }{
		{"a\n##IF A\nyes ##A\n##END\nz\n", "a\nyes alpha\nz\n"},
		{"a\n##IF NOPE\nyes\n##END\nz\n", "a\nz\n"},
		{"##IF EMPTY\nyes\n##ELSE\nno\n##END\n", "no\n"},         // set but empty is false
		{"##IF !EMPTY\nyes\n##ELSE\nno\n##END\n", "yes\n"},       //
		{"##IF !NOPE\nyes\n##END\n", "yes\n"},                    //
		{"  ##IF A  \n  x\n\t##ELSE\n  y\n  ##END\t\n", "  x\n"}, // indented directives
		{"##IF A\r\nx\r\n##ELSE\r\ny\r\n##END\r\n", "x\r\n"},     // CRLF directives removed with their CRLF
		{"##IF A\nx\n##END", "x\n"},                              // last line without newline
		{"##IF A\n##IF B\nab\n##ELSE\na!b\n##END\n##ELSE\n!a\n##END\n", "ab\n"},
		{"##IF A\n##IF !B\nab\n##ELSE\na!b\n##END\n##ELSE\n!a\n##END\n", "a!b\n"},
		{"##IF NOPE\n##IF B\nab\n##END\n##ELSE\n!a ##{B}\n##END\n", "!a beta\n"},
		{"##IFACE=1\n", ""}, // not a directive: the unset variable IFACE, see the unset test
	}
	for _, tt := range tests {
		got, err := render(t, tt.src, Options{})
		if tt.want == "" {
			if err == nil {
				t.Errorf("render %q succeeded, want IFACE unset", tt.src)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("render %q = %q, %v; want %q", tt.src, got, err, tt.want)
		}
	}
}

func TestRenderEscapeOverride(t *testing.T) {
	t.Parallel()
	got, err := render(t, `'##PASS' ##{PASS|url} ##{PASS|none} ##{PASS|json}`, Options{Escape: PHP})
	want := `'p@ss\'w"d' p%40ss%27w%22d p@ss'w"d p@ss'w\"d`
	if err != nil || got != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}

func TestRenderEscapeFailure(t *testing.T) {
	t.Parallel()
	tmpl := mustParse(t, "cfg.sh", []byte("a='##A'\nb='##NUL'\n##{NUL|url}\nc='##BAD'\n"))
	env := map[string]string{"A": "ok", "NUL": "x\x00y", "BAD": "\xff"}
	out, err := tmpl.Render(lookupIn(env), Options{Escape: Shell})
	want := "template cfg.sh: line 2: cannot escape NUL for shell: value holds a NUL byte, which no shell string can"
	if out != nil || err == nil || err.Error() != want {
		t.Errorf("got %q, %v; want nil output and %s", out, err, want)
	}
	if _, err := tmpl.Render(lookupIn(env), Options{Escape: JSON}); err == nil ||
		err.Error() != "template cfg.sh: line 4: cannot escape BAD for json: value is not valid UTF-8" {
		t.Errorf("json: %v", err)
	}
}

func TestRenderUnknownEscape(t *testing.T) {
	t.Parallel()
	_, err := render(t, "##A", Options{Escape: "html"})
	if err == nil || err.Error() != `cannot render template t: unknown escape "html" (known: none, php, json, yaml, shell, xml, url)` {
		t.Errorf("err = %v", err)
	}
}

// TestRenderFresh: values are read at every Render, nothing is cached, so a
// rotated addon password shows up at the next start.
func TestRenderFresh(t *testing.T) {
	t.Parallel()
	tmpl := mustParse(t, "t", []byte("pw=##PW\n"))
	for _, pw := range []string{"first", "second/rotated&"} {
		out, err := tmpl.Render(lookupIn(map[string]string{"PW": pw}), Options{})
		if err != nil || string(out) != "pw="+pw+"\n" {
			t.Errorf("got %q, %v", out, err)
		}
	}
}

func TestRenderConcurrent(t *testing.T) {
	t.Parallel()
	tmpl := mustParse(t, "t", []byte("##IF A\n##{A}-##B\n##END\n"))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := string(rune('a' + i))
			out, err := tmpl.Render(lookupIn(map[string]string{"A": v, "B": v}), Options{})
			if err != nil || string(out) != v+"-"+v+"\n" {
				t.Errorf("goroutine %d: %q, %v", i, out, err)
			}
		}()
	}
	wg.Wait()
}
