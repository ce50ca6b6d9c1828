package spec

import (
	"strings"
	"testing"
)

func TestParseSocket(t *testing.T) {
	for in, want := range map[string]Socket{
		"tcp://127.0.0.1:9000":   {"tcp", "127.0.0.1:9000"},
		"tcp://:9000":            {"tcp", "0.0.0.0:9000"},
		"tcp://*:9000":           {"tcp", "0.0.0.0:9000"},
		"tcp://[::1]:9000":       {"tcp", "[::1]:9000"},
		"unix:/run/app/x.sock":   {"unix", "/run/app/x.sock"},
		"unix:///run/app/x.sock": {"unix", "/run/app/x.sock"}, // supervisord's form
	} {
		got, err := ParseSocket(in)
		if err != nil || got != want {
			t.Errorf("ParseSocket(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"127.0.0.1:9000":       "tcp://HOST:PORT",
		"tcp://127.0.0.1":      "tcp://HOST:PORT",
		"tcp://127.0.0.1:0":    "1 to 65535",
		"tcp://127.0.0.1:http": "1 to 65535",
		"unix:run/x.sock":      "relative",
	} {
		if _, err := ParseSocket(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSocket(%q) = %v, want an error with %q", in, err, want)
		}
	}
}

// The socket keys are checked where they are written: a unix socket on
// the read-only root, two programs on one socket, socket_fd without socket,
// a scheduled program with one.
func TestSocketChecks(t *testing.T) {
	_, err := Parse("appstart.toml", []byte(`
[programs.a]
command = ["a"]
socket = "unix:/etc/a.sock"
[programs.b]
command = ["b"]
socket = "tcp://127.0.0.1:9000"
[programs.c]
command = ["c"]
socket = "tcp://127.0.0.1:9000"
[programs.d]
command = ["d"]
socket_fd = "stdin"
[programs.e]
command = ["e"]
socket = "tcp://127.0.0.1:9001"
schedule = "* * * * *"
`))
	for _, want := range []string{
		`appstart.toml:4: programs.a.socket: "/etc/a.sock" is on the read-only root`,
		`appstart.toml:10: programs.c.socket: tcp://127.0.0.1:9000 is also programs.b's socket`,
		`appstart.toml:13: programs.d.socket_fd: without socket it means nothing`,
		`appstart.toml:16: programs.e.socket: a scheduled program`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in:\n%v", want, err)
		}
	}
	s, err := Parse("appstart.toml", []byte("[programs.web]\ncommand = [\"daphne\", \"--fd\", \"0\"]\nuser = \"www-data\"\nsocket = \"unix:/run/app/d.sock\"\nsocket_fd = \"stdin\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p := s.Program("web"); p.SocketFD != SocketStdin || p.SocketMode != 0o660 || p.SocketOwner != "www-data" {
		t.Errorf("defaults: %+v", p)
	}
}
