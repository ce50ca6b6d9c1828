package stage

import (
	"strings"
	"testing"

	"appstart/runtime/spec"
)

// A first_run or on_upgrade step's environment reaches that command only,
// expanded in written order over [env], as on_start's is. MediaWiki needs it: install.php
// refuses to install while MW_CONFIG_FILE (which the programs need) names a
// file that exists, so the install step points it elsewhere.
func TestStepEnvironment(t *testing.T) {
	requireRoot(t)
	dir := userDir(t)
	s := parseSpec(t, `
[env]
CONF = "/run/app/LocalSettings.php"

[first_run]
marker = "%[1]s/.initialized"
commands = [
  { command = ["sh", "-c", "echo \"install $CONF $EXTRA\" >> %[1]s/log"], environment = { CONF = "/run/app/install/none.php", EXTRA = "${CONF}-x" } },
  ["sh", "-c", "echo \"after $CONF ${EXTRA:-unset}\" >> %[1]s/log"],
]

[on_upgrade]
version = "2"
marker = "%[1]s/.version"
commands = [{ command = ["sh", "-c", "echo \"upgrade $MODE $APPSTART_NEW_VERSION\" >> %[1]s/log"], environment = { MODE = "quick" } }]
`, dir)
	if got := s.FirstRun.Commands[0].Environment; len(got) != 2 || got[0].Name != "CONF" || got[1].Value != "${CONF}-x" {
		t.Fatalf("first_run.commands[1].environment = %v", got)
	}
	e := newEnv(t, s)
	e.Runner = testReaper(t)
	if err := runStage(t, e, "env"); err != nil {
		t.Fatal(err)
	}
	if err := runStage(t, e, "first_run"); err != nil {
		t.Fatal(err)
	}
	e.firstRan = false // as on a start over data from before on_upgrade existed
	if err := runStage(t, e, "on_upgrade"); err != nil {
		t.Fatal(err)
	}
	want := "install /run/app/install/none.php /run/app/install/none.php-x\n" +
		"after /run/app/LocalSettings.php unset\n" +
		"upgrade quick 2\n"
	if got := readString(t, dir+"/log"); got != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}
}

// A step's environment is checked like on_start's: a bad expression is
// reported at its key.
func TestStepEnvironmentChecked(t *testing.T) {
	_, err := spec.Parse("appstart.toml", []byte(`[first_run]
commands = [{ command = ["true"], environment = { X = "${BAD" } }]
`))
	if err == nil || !strings.Contains(err.Error(), "first_run.commands[1].environment.X") {
		t.Fatalf("err = %v, want a problem at first_run.commands[1].environment.X", err)
	}
}
