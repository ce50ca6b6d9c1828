package convert

import (
	"reflect"
	"strings"
	"testing"
)

var progScope = scope{program: true, programName: "web", groupName: "g", numprocs: 2, instance: true, here: "/etc/sv"}

func TestExpand(t *testing.T) {
	for _, c := range []struct {
		in, render, shell string
		sc                scope
	}{
		{"%(ENV_HOME)s/x", "${HOME}/x", "${HOME}/x", progScope},
		{"%(program_name)s-%(group_name)s %(here)s", "web-g /etc/sv", "web-g /etc/sv", progScope},
		{"%(process_num)s", "${APPSTART_INSTANCE}", "${APPSTART_INSTANCE}", progScope},
		{"%(process_num)02d", "07", "07", scope{program: true, processNum: 7}},
		{"%(numprocs)d%%", "2%", "2%", progScope},
		{"$%(ENV_A)s ${B} $$ $C", "$$${A} $${B} $$$ $C", "$${A} ${B} $$ $C", progScope},
		{"'%(ENV_A)s' \"%(ENV_A)s\"", "'${A}' \"${A}\"", `''"${A}"'' "${A}"`, progScope},
	} {
		e, err := expand(c.in, c.sc)
		if err != nil {
			t.Errorf("expand(%q): %v", c.in, err)
			continue
		}
		if got := e.refs.render(e.text); got != c.render {
			t.Errorf("render(expand(%q)) = %q, want %q", c.in, got, c.render)
		}
		if got := e.refs.renderShell(e.text); got != c.shell {
			t.Errorf("renderShell(expand(%q)) = %q, want %q", c.in, got, c.shell)
		}
	}
}

func TestExpandErrors(t *testing.T) {
	for in, want := range map[string]string{
		"%(foo)s":          "cannot be expanded",
		"date +%s":         "a lone %",
		"%(ENV_X":          "unterminated",
		"%(ENV_X)":         "no conversion",
		"%(program_name)s": "cannot be expanded", // outside a program section
		"%(here)s":         "no here",
		"%(numprocs)d":     "cannot be expanded",
	} {
		_, err := expand(in, scope{hereErr: "no here"})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("expand(%q) = %v, want an error with %q", in, err, want)
		}
	}
	if _, err := expand("%(program_name)d", progScope); err == nil {
		t.Errorf("%%(program_name)d: want an error, Python's %%d needs a number")
	}
}

func TestExpandNotes(t *testing.T) {
	e, err := expand("%(ENV_A)5s %(process_num)03d %(host_node_name)s", progScope)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.notes) != 3 || !reflect.DeepEqual(e.envs, []string{"A"}) {
		t.Errorf("notes = %q, envs = %q; want 3 notes and envs [A]", e.notes, e.envs)
	}
}
