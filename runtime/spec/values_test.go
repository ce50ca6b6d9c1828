package spec

import "testing"

func TestSkip(t *testing.T) {
	env := map[string]string{"SET": "x", "EMPTY": ""}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	exists := func(p string) bool { return p == "/app/data/there" }
	for _, c := range []struct {
		when, unless Cond
		skip         bool
		why          string
	}{
		{Cond{}, Cond{}, false, ""},
		{Cond{Var: "SET"}, Cond{}, false, ""},
		{Cond{Var: "EMPTY"}, Cond{}, true, "when EMPTY: not set"}, // set but empty counts as unset
		{Cond{Var: "UNSET"}, Cond{}, true, "when UNSET: not set"},
		{Cond{Path: "/app/data/there"}, Cond{}, false, ""},
		{Cond{Path: "/app/data/gone"}, Cond{}, true, "when exists:/app/data/gone: does not exist"},
		{Cond{}, Cond{Var: "SET"}, true, "unless SET: set"},
		{Cond{}, Cond{Var: "EMPTY"}, false, ""},
		{Cond{}, Cond{Path: "/app/data/there"}, true, "unless exists:/app/data/there: exists"},
		{Cond{Var: "SET"}, Cond{Path: "/app/data/gone"}, false, ""},
	} {
		skip, why := Skip(c.when, c.unless, lookup, exists)
		if skip != c.skip || why != c.why {
			t.Errorf("Skip(%v, %v) = %v %q, want %v %q", c.when, c.unless, skip, why, c.skip, c.why)
		}
	}
}

func TestCommandString(t *testing.T) {
	for _, c := range []struct {
		cmd  Command
		want string
	}{
		{Command{Argv: []string{"php", "artisan", "migrate"}}, "php artisan migrate"},
		{Command{Argv: []string{"nginx", "-g", "daemon off;"}}, `nginx -g "daemon off;"`},
		{Command{Argv: []string{"ssh-keygen", "-N", ""}}, `ssh-keygen -N ""`},
		{Command{Shell: "exec redis-server $CONF"}, "exec redis-server $CONF"},
	} {
		if got := c.cmd.String(); got != c.want {
			t.Errorf("String() = %q, want %q", got, c.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	keys := []string{"command", "directory", "stopwaitsecs", "stopsignal", "user"}
	for in, want := range map[string]string{
		"comand": "command", "commnad": "command", "Command": "command", "directry": "directory",
		"stopwait": "stopwaitsecs", "usr": "user", "stopsignl": "stopsignal",
		"xyz": "", "u": "", "environment": "",
	} {
		if got := nearest(in, keys); got != want {
			t.Errorf("nearest(%q) = %q, want %q", in, got, want)
		}
	}
	if editDistance("comamnd", "command") != 1 {
		t.Error("a transposition is one edit")
	}
}
