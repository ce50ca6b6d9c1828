package convert

import (
	"strings"
	"testing"
)

// Issue 15 item 7: an [fcgi-program]'s socket is carried (supervisord's
// unix:/// and /var/run forms written as appstart's), handed on fd 0; one
// without a socket is refused as supervisord refuses it; socket keys in a
// plain [program] are ignored with a warning; an unwritable path is not
// carried, so the output still passes check.
func TestConvertFcgiSocket(t *testing.T) {
	out, warns, err := convertString(t, "/etc/supervisor/a.conf",
		"[fcgi-program:php]\ncommand=php-cgi\nuser=www-data\nsocket=unix:///var/run/php.sock\nsocket_mode=700\n", Options{})
	if err != nil || len(warns) != 0 {
		t.Fatalf("%v %q", err, warns)
	}
	for _, want := range []string{`socket = "unix:/run/php.sock"`, `socket_mode = "0700"`, `socket_fd = "stdin"`, "/var/run is /run"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in:\n%s", want, out)
		}
	}
	if _, _, err := convertString(t, "/etc/supervisor/a.conf", "[fcgi-program:php]\ncommand=php-cgi\nuser=www-data\n", Options{}); err == nil ||
		!strings.Contains(err.Error(), "has no socket") {
		t.Errorf("no socket: %v", err)
	}
	out, warns, err = convertString(t, "/etc/supervisor/a.conf", "[program:web]\ncommand=web\nuser=cloudron\nsocket=tcp://:80\n", Options{})
	if err != nil || strings.Contains(out, "socket =") || len(warns) != 1 || !strings.Contains(warns[0], "only in an [fcgi-program]") {
		t.Errorf("plain program: %v %q\n%s", err, warns, out)
	}
	out, warns, err = convertString(t, "/etc/supervisor/a.conf", "[fcgi-program:php]\ncommand=php-cgi\nuser=www-data\nsocket=unix:///etc/php.sock\nsocket_owner=www-data\n", Options{})
	if err != nil || strings.Contains(out, "socket =") || len(warns) != 1 || !strings.Contains(warns[0], "read-only root") {
		t.Errorf("unwritable: %v %q\n%s", err, warns, out)
	}
}
