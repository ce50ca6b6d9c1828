package spec

import (
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	files := func(paths ...string) func(string) bool {
		return func(p string) bool {
			for _, q := range paths {
				if p == q {
					return true
				}
			}
			return false
		}
	}
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "APPSTART_CONFIG" {
				return v
			}
			return ""
		}
	}
	for _, c := range []struct {
		doc, flag, env string
		exists         []string
		want, errHas   string
	}{
		{doc: "flag first", flag: "/x.toml", env: "/y.toml", exists: []string{"/x.toml", "/y.toml", "/app/pkg/appstart.toml"}, want: "/x.toml"},
		{doc: "then env", env: "/y.toml", exists: []string{"/y.toml", "/app/pkg/appstart.toml"}, want: "/y.toml"},
		{doc: "then /app/pkg", exists: []string{"/app/pkg/appstart.toml", "/app/code/appstart.toml"}, want: "/app/pkg/appstart.toml"},
		{doc: "then /app/code", exists: []string{"/app/code/appstart.toml"}, want: "/app/code/appstart.toml"},
		{doc: "a missing --config is an error, not a fall through", flag: "/x.toml", exists: []string{"/app/pkg/appstart.toml"}, errHas: "--config /x.toml does not exist"},
		{doc: "so is a missing $APPSTART_CONFIG", env: "/y.toml", exists: []string{"/app/pkg/appstart.toml"}, errHas: "APPSTART_CONFIG=/y.toml does not exist"},
		{doc: "nothing anywhere lists every place", errHas: "looked at --config (not given), $APPSTART_CONFIG (not set), /app/pkg/appstart.toml, /app/code/appstart.toml"},
	} {
		got, err := Find(c.flag, env(c.env), files(c.exists...))
		switch {
		case c.errHas != "":
			if err == nil || !strings.Contains(err.Error(), c.errHas) {
				t.Errorf("%s: Find = %q, %v; want an error containing %q", c.doc, got, err, c.errHas)
			}
		case err != nil || got != c.want:
			t.Errorf("%s: Find = %q, %v; want %q", c.doc, got, err, c.want)
		}
	}
}
