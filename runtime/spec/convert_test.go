package spec

import (
	"io/fs"
	"strings"
	"testing"
	"time"
)

// check runs conv on each input and compares the value, or that the
// problem mentions wantErr.
func checkConv(t *testing.T, name string, conv func(any) (any, string), cases []convCase) {
	t.Helper()
	for _, c := range cases {
		got, msg := conv(c.in)
		switch {
		case c.wantErr != "":
			if msg == "" || !strings.Contains(msg, c.wantErr) {
				t.Errorf("%s(%#v) = %v, %q; want a problem containing %q", name, c.in, got, msg, c.wantErr)
			}
		case msg != "":
			t.Errorf("%s(%#v): unexpected problem %q", name, c.in, msg)
		case got != c.want:
			t.Errorf("%s(%#v) = %#v, want %#v", name, c.in, got, c.want)
		}
	}
}

type convCase struct {
	in      any
	want    any
	wantErr string
}

func TestConvMode(t *testing.T) {
	checkConv(t, "mode", convMode, []convCase{
		{in: "0750", want: fs.FileMode(0o750)},
		{in: "750", want: fs.FileMode(0o750)},
		{in: "0600", want: fs.FileMode(0o600)},
		{in: "1777", want: fs.ModeSticky | 0o777},
		{in: "2750", want: fs.ModeSetgid | 0o750},
		{in: "4755", want: fs.ModeSetuid | 0o755},
		{in: "0999", wantErr: "not an octal mode"},
		{in: "rwx", wantErr: "not an octal mode"},
		{in: "75", wantErr: "not an octal mode"},
		{in: "0000", wantErr: "gives the owner no access"},
		{in: "0077", wantErr: "gives the owner no access"},
		{in: int64(750), wantErr: `"0750", not the integer 750`},
		{in: int64(488), wantErr: `"0750", not the integer 488`}, // 0o750 in TOML: not digits a person wrote
		{in: true, wantErr: "want an octal mode string"},
	})
}

func TestConvOwner(t *testing.T) {
	checkConv(t, "owner", convOwner, []convCase{
		{in: "cloudron", want: "cloudron"},
		{in: "cloudron:cloudron", want: "cloudron:cloudron"},
		{in: "1000:1000", want: "1000:1000"},
		{in: "www-data:www-data", want: "www-data:www-data"},
		{in: "_apt", want: "_apt"},
		{in: "machine$", want: "machine$"},
		{in: "", wantErr: "not an owner"},
		{in: "cloudron:", wantErr: "not an owner"},
		{in: ":cloudron", wantErr: "not an owner"},
		{in: "a:b:c", wantErr: "not an owner"},
		{in: "-x", wantErr: "not an owner"},
		{in: "a b", wantErr: "not an owner"},
		{in: strings.Repeat("u", 33), wantErr: "not an owner"},
		{in: int64(1000), wantErr: `want "user" or "user:group"`},
	})
}

func TestConvCond(t *testing.T) {
	checkConv(t, "cond", convCond, []convCase{
		{in: "CLOUDRON_LDAP_SERVER", want: Cond{Var: "CLOUDRON_LDAP_SERVER"}},
		{in: "exists:/app/data/update", want: Cond{Path: "/app/data/update"}},
		{in: "${X}", wantErr: `write the bare name "X"`},
		{in: "exists:data", wantErr: "relative"},
		{in: "exists:", wantErr: "empty path"},
		{in: "file:/x", wantErr: "not a condition"},
		{in: "A B", wantErr: "not a variable name"},
		{in: true, wantErr: `want "VAR" or "exists:/path"`},
	})
}

func TestConvInstances(t *testing.T) {
	checkConv(t, "instances", convInstances, []convCase{
		{in: int64(3), want: "3"},
		{in: "3", want: "3"},
		{in: "${WORKERS}", want: "${WORKERS}"},
		{in: "${WORKERS:-2}", want: "${WORKERS:-2}"},
		{in: int64(0), wantErr: "at least 1"},
		{in: "0", wantErr: "at least 1"},
		{in: "abc", wantErr: "neither a number nor a variable"},
		{in: "${1X}", wantErr: "neither a number nor a variable"},
		{in: "x${WORKERS}", wantErr: "neither a number nor a variable"},
		{in: 2.0, wantErr: "want a number"},
	})
}

func TestConvDurations(t *testing.T) {
	checkConv(t, "duration", convDuration, []convCase{
		{in: "10s", want: 10 * time.Second},
		{in: "1m30s", want: 90 * time.Second},
		{in: "0s", want: time.Duration(0)},
		{in: "10", wantErr: `write "10s"`},
		{in: int64(60), wantErr: `such as "60s"`},
		{in: "-1s", wantErr: "negative"},
		{in: "abc", wantErr: "cannot read"},
	})
	checkConv(t, "seconds", convSeconds, []convCase{
		{in: int64(10), want: 10 * time.Second},
		{in: int64(0), want: time.Duration(0)},
		{in: "1.5s", want: 1500 * time.Millisecond},
		{in: int64(-1), wantErr: "negative"},
		{in: "abc", wantErr: "whole seconds"},
		{in: 1.5, wantErr: "whole seconds"},
	})
}

func TestConvInt(t *testing.T) {
	if v, msg := convInt(int64(3), 0, 0); msg != "" || v != 3 {
		t.Errorf("convInt(3) = %v, %q", v, msg)
	}
	for _, c := range []struct {
		in   any
		min  int
		want string
	}{
		{int64(0), 1, "at least 1, not 0"},
		{"3", 0, "remove the quotes"},
		{"x", 0, "want an integer"},
		{int64(1) << 40, 0, "too large"},
	} {
		if _, msg := convInt(c.in, c.min, 0); !strings.Contains(msg, c.want) {
			t.Errorf("convInt(%v, %d) = %q, want %q", c.in, c.min, msg, c.want)
		}
	}
}

func TestIsEnvName(t *testing.T) {
	for s, want := range map[string]bool{
		"A": true, "_": true, "APP_SECRET": true, "a1": true, "_1": true,
		"": false, "1A": false, "A-B": false, "A.B": false, "A B": false, "É": false,
	} {
		if IsEnvName(s) != want {
			t.Errorf("IsEnvName(%q) = %v", s, !want)
		}
	}
}

func TestEnumCase(t *testing.T) {
	k := &Key{Name: "encoding", Kind: KindEnum, Enum: []string{"hex", "base64"}}
	if v, msg := convEnum(k, "hex"); msg != "" || v != "hex" {
		t.Errorf("convEnum(hex) = %v, %q", v, msg)
	}
	if _, msg := convEnum(k, "HEX"); !strings.Contains(msg, `write "hex"`) {
		t.Errorf("an upper-case value should get a lower-case hint, got %q", msg)
	}
	if _, msg := convEnum(k, "base46"); !strings.Contains(msg, `did you mean "base64"?`) {
		t.Errorf("got %q", msg)
	}
}
