package spec

import (
	"strings"
	"testing"
)

// [[upgrade]] entries are checked where they are written: one record
// (marker or data_version_file), commands or refuse, a marker of its own.
func TestUpgradeChecks(t *testing.T) {
	_, err := Parse("appstart.toml", []byte(`
[first_run]
commands = [["true"]]
[[upgrade]]
version = "1"
commands = [["true"]]
[[upgrade]]
version = "1"
marker = "/app/data/.v"
[[upgrade]]
version = "1"
version_file = "/app/code/VERSION"
marker = "/app/data/.v2"
commands = [["true"]]
[[upgrade]]
marker = "/app/data/.initialized"
refuse = "no"
commands = [["true"]]
[[upgrade]]
data_version_file = "/app/pgdata/PG_VERSION"
refuse = "no"
render_templates = true
`))
	for _, want := range []string{
		"appstart.toml:4: upgrade[1]: give marker",
		"appstart.toml:7: upgrade[2]: give commands to run when the version changed, or refuse",
		"appstart.toml:12: upgrade[3].version_file: give version or version_file, not both",
		`appstart.toml:17: upgrade[4].refuse: a refusing step runs no commands`,
		`appstart.toml:16: upgrade[4].marker: "/app/data/.initialized" is also first_run.marker`,
		"appstart.toml:22: upgrade[5].render_templates: nothing is rebuilt without commands",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in:\n%v", want, err)
		}
	}
}
