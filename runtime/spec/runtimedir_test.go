package spec

import (
	"strings"
	"testing"
)

// Issue 14 item 1: every entry that reaches /run/appstart gets a warning
// with its line; entries beside it get none.
func TestRuntimeDirWarnings(t *testing.T) {
	src := `user = "cloudron"
remove = ["/run/*", "/run/app/*.pid", "/run/appstart/*.lock", "/run/*/control.sock"]
[[dirs]]
path = "/run/appstart/x"
[[dirs]]
path = "/run/app"
[[seed]]
from = "/app/code/run"
to = "/run"
[[chown]]
path = "/run"
[[chown]]
path = "/run/app"
[programs.web]
command = ["sleep", "infinity"]
`
	s, err := Parse("appstart.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range s.Warnings {
		if strings.Contains(w.Msg, RuntimeDir) {
			got = append(got, w.String())
		}
	}
	want := []string{
		"appstart.toml:2: remove[1]",
		"appstart.toml:2: remove[3]",
		"appstart.toml:2: remove[4]",
		"appstart.toml:4: dirs[1].path",
		"appstart.toml:9: seed[1].to",
		"appstart.toml:11: chown[1].path",
	}
	if len(got) != len(want) {
		t.Fatalf("warnings:\n%s\nwant %d, starting %q", strings.Join(got, "\n"), len(want), want)
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w+": appstart leaves /run/appstart alone") {
			t.Errorf("warning %d = %q, want it to start %q", i, got[i], w)
		}
	}
}
