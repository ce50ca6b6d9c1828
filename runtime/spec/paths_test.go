package spec

import (
	"testing"
)

func TestConvPaths(t *testing.T) {
	checkConv(t, "path", convPath, []convCase{
		{in: "/app/code", want: "/app/code"},
		{in: "/app/code/config.default/", want: "/app/code/config.default/"}, // a trailing slash is kept
		{in: "/", want: "/"},
		{in: "app/code", wantErr: `write "/app/code"`},
		{in: "./app/code", wantErr: `write "/app/code"`},
		{in: "config.php", wantErr: "starting with /"},
		{in: "/run/../etc", wantErr: `write the path as "/etc"`},
		{in: "/run//app", wantErr: `write the path as "/run/app"`},
		{in: "/run/${APP}/x", wantErr: "not expanded"},
		{in: "", wantErr: "empty path"},
	})
	checkConv(t, "writable", convWritable, []convCase{
		{in: "/run/app/x", want: "/run/app/x"},
		{in: "/tmp/x", want: "/tmp/x"},
		{in: "/app/data", want: "/app/data"},
		{in: "/app/data/x/y", want: "/app/data/x/y"},
		{in: "/app/database", wantErr: "read-only root"}, // a prefix of the name is not inside
		{in: "/runner/x", wantErr: "read-only root"},
		{in: "/etc/app/config.php", wantErr: `(e.g. "/run/app/config.php")`},
		{in: "/", wantErr: "read-only root"},
	})
}

func TestConvRemove(t *testing.T) {
	if _, iss := convRemove([]any{"/run/apache2/*.pid", "/tmp/x-?", "/run/a/[ab].sock"}); iss != nil {
		t.Errorf("valid globs refused: %v", iss)
	}
	_, iss := convRemove([]any{"/app/data/*.pid", "/run", "/tmp", "/var/run/x", "/run/[x", "run/x"})
	if len(iss) != 6 {
		t.Errorf("want 6 problems, got %v", iss)
	}
}
