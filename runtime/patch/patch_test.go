package patch

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// The package doc's example.
func ExampleApply() {
	in := []byte(`; mail settings
[mail]
host = old.example   ; set by the admin
from = app@example.com
`)
	out, changed, err := Apply("ini", "config.ini", in,
		[]KV{{Key: "mail.host", Value: "smtp.example"}},
		[]KV{{Key: "app.secret", Value: "s3cr3t"}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%v\n%s", changed, out)
	// Output:
	// [mail.host app.secret]
	// ; mail settings
	// [mail]
	// host = smtp.example   ; set by the admin
	// from = app@example.com
	//
	// [app]
	// secret = s3cr3t
}

func TestApplyUnknownFormat(t *testing.T) {
	t.Parallel()
	_, _, err := Apply("toml", "x.toml", nil, []KV{{"a", "b"}}, nil)
	if err == nil || err.Error() != `cannot patch x.toml: unknown patch format "toml" (want one of [ini ini-raw dotenv json yaml properties])` {
		t.Errorf("err = %v", err)
	}
}

func TestApplySyntaxErrorType(t *testing.T) {
	t.Parallel()
	_, _, err := Apply(INI, "/app/data/config.ini", []byte("[a]\n[b\n"), nil, nil)
	var se *SyntaxError
	if !errors.As(err, &se) || se.File != "/app/data/config.ini" || se.Line != 2 {
		t.Fatalf("err = %#v", err)
	}
}

// A syntax error is reported even when nothing would be set: the file is
// never silently accepted or replaced.
func TestApplyChecksSyntaxWithNoKeys(t *testing.T) {
	t.Parallel()
	for format, bad := range map[string]string{INI: "[x", Dotenv: "nope", JSON: "{", YAML: "a:\n\tb: 1"} {
		if _, _, err := Apply(format, "f", []byte(bad), nil, nil); err == nil {
			t.Errorf("%s: %q accepted", format, bad)
		}
	}
}

func TestApplyNothingToDoReturnsInput(t *testing.T) {
	t.Parallel()
	in := []byte("a = 1\n")
	out, changed, err := Apply(INI, "f", in, []KV{{"a", "1"}}, []KV{{"a", "2"}})
	if err != nil || string(out) != string(in) || changed != nil {
		t.Errorf("got %q %q %v", out, changed, err)
	}
}

// Each key is reported once, in the order applied, even when both set and
// defaults name it.
func TestApplyChangedOrder(t *testing.T) {
	t.Parallel()
	_, changed, err := Apply(Dotenv, ".env", nil, []KV{{"B", "1"}, {"A", ""}, {"A", "2"}}, []KV{{"C", "3"}, {"B", "x"}})
	if err != nil || !slices.Equal(changed, []string{"B", "A", "C"}) {
		t.Errorf("changed = %q, %v", changed, err)
	}
}

func TestApplySplicesSorted(t *testing.T) {
	t.Parallel()
	got := applySplices([]byte("0123456789"), []splice{{8, 9, "x"}, {1, 3, ""}, {5, 5, "ab"}})
	if string(got) != "034ab567x9" {
		t.Errorf("got %q", got)
	}
}
