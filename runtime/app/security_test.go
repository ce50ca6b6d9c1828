package app_test

import (
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// Security properties of the real binary (issue 9). Two more live
// elsewhere and are not repeated here:
//   - the control socket is root's: TestControlCommands (control_test.go)
//     runs `status` as nobody and gets "permission denied: the control
//     socket is root's" at once;
//   - nothing secret in appstart's logs, `plan` or `status --json`:
//     TestNoSecretInAppstartsOutput (secrets_test.go).

const privSpec = `user = "cloudron"
[programs.app]
command = ["sleep", "infinity"]
[programs.nnp]
command = ["sleep", "infinity"]
no_new_privs = true
[programs.rootly]
command = ["sleep", "infinity"]
user = "root"
[programs.leaky]
command = "exec 5</dev/null; exec sleep infinity"
`

// A program as the app user has no capability at all, exactly cloudron's
// uid, gid and groups, a clean signal state, and no descriptor beyond
// 0, 1, 2. no_new_privs = true sets NoNewPrivs; the default leaves it 0.
// Negative controls: a root program does show capabilities and uid 0, and
// a program that opens fd 5 itself does show it, so each check can fail.
func TestProgramsGetNoPrivileges(t *testing.T) {
	c := container(t, privSpec, nil)
	f := &fault{t: t, c: c, cl: dialHost(t, c)}
	pid := map[string]int{}
	for _, name := range []string{"app", "nnp", "rootly", "leaky"} {
		pid[name] = f.pidOf(name)
	}
	// The shell of leaky has exec'd sleep once its comm says so.
	waitFor(t, "leaky exec'd sleep", 10*time.Second, func() (bool, string) {
		comm := procStatus(t, c, pid["leaky"])["Name"]
		return comm == "sleep", comm
	})
	wantGroups := groupsOf(t, c, "cloudron", c.GID())

	for _, name := range []string{"app", "nnp", "leaky"} {
		st := procStatus(t, c, pid[name])
		for _, k := range []string{"CapInh", "CapPrm", "CapEff", "CapAmb"} {
			if st[k] != "0000000000000000" {
				t.Errorf("%s: %s = %s, want none", name, k, st[k])
			}
		}
		uid, gid := strconv.Itoa(c.UID()), strconv.Itoa(c.GID())
		if got := strings.Fields(st["Uid"]); !slices.Equal(got, []string{uid, uid, uid, uid}) {
			t.Errorf("%s: Uid = %v, want %s four times (real, effective, saved, fs)", name, got, uid)
		}
		if got := strings.Fields(st["Gid"]); !slices.Equal(got, []string{gid, gid, gid, gid}) {
			t.Errorf("%s: Gid = %v, want %s four times", name, got, gid)
		}
		if got := strings.Fields(st["Groups"]); !slices.Equal(got, wantGroups) {
			t.Errorf("%s: Groups = %v, want %v (cloudron's from /etc/group, not root's)", name, got, wantGroups)
		}
		for _, k := range []string{"SigBlk", "SigIgn"} {
			if st[k] != "0000000000000000" {
				t.Errorf("%s: %s = %s, want an empty set", name, k, st[k])
			}
		}
	}
	for _, name := range []string{"app", "nnp"} {
		if fds := fdList(t, c, pid[name]); !slices.Equal(fds, []int{0, 1, 2}) {
			t.Errorf("%s has fds %v, want only 0 1 2", name, fds)
		}
	}
	if nnp, app := procStatus(t, c, pid["nnp"])["NoNewPrivs"], procStatus(t, c, pid["app"])["NoNewPrivs"]; nnp != "1" || app != "0" {
		t.Errorf("NoNewPrivs: nnp (no_new_privs = true) %q, app (default) %q; want 1 and 0", nnp, app)
	}

	// Negative controls.
	root := procStatus(t, c, pid["rootly"])
	if root["CapEff"] == "0000000000000000" || strings.Fields(root["Uid"])[0] != "0" {
		t.Errorf("the root program shows CapEff %s Uid %s: the capability check cannot fail", root["CapEff"], root["Uid"])
	}
	if fds := fdList(t, c, pid["leaky"]); !slices.Contains(fds, 5) {
		t.Errorf("leaky opened fd 5 but the listing shows %v: the fd check cannot fail", fds)
	}
	f.stopsCleanly()
}

// groupsOf lists the gids of user from the container's /etc/group, with
// its primary gid, sorted as /proc/PID/status prints them.
func groupsOf(t *testing.T, c *harness.Container, user string, primary int) []string {
	t.Helper()
	b, err := os.ReadFile(c.HostPath("/etc/group"))
	if err != nil {
		t.Fatal(err)
	}
	gids := []int{primary}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) == 4 && slices.Contains(strings.Split(f[3], ","), user) {
			if g, err := strconv.Atoi(f[2]); err == nil && !slices.Contains(gids, g) {
				gids = append(gids, g)
			}
		}
	}
	slices.Sort(gids)
	out := make([]string, len(gids))
	for i, g := range gids {
		out[i] = strconv.Itoa(g)
	}
	return out
}

// Secrets, rendered templates and files a patch creates are not readable
// by "other" unless the spec asks: a template holding a secret gets 0640,
// a secret 0600 in a 0700 directory. The template with mode = "0644" is
// the negative control (asked for, and seen, so the check can fail).
func TestSecretsAndConfigsNotWorldReadable(t *testing.T) {
	spec := `user = "cloudron"
[[secrets]]
name = "APP_SECRET"
file = "/app/data/.app_secret"
[[secrets]]
name = "API_KEY"
file = "/app/data/keys/api.key"
[[templates]]
source = "/app/pkg/config.tmpl"
target = "/run/app/config.php"
[[templates]]
source = "/app/pkg/public.tmpl"
target = "/run/app/public.txt"
mode = "0644"
[[patch]]
file = "/app/data/config.ini"
format = "ini"
set = { "app.secret" = "${APP_SECRET}" }
[programs.web]
command = ["sleep", "infinity"]
`
	c := container(t, spec, func(o *harness.Options) {
		o.Pkg["config.tmpl"] = "<?php $secret = '##APP_SECRET'; $key = '##API_KEY';\n"
		o.Pkg["public.tmpl"] = "public, no secret\n"
	})
	c.WaitForOutput("web: started", 20*time.Second)
	secret, err := os.ReadFile(c.HostPath("/app/data/.app_secret"))
	if err != nil || len(secret) < 32 {
		t.Fatalf("secret %q: %v", secret, err)
	}
	rendered, err := os.ReadFile(c.HostPath("/run/app/config.php"))
	if err != nil || !strings.Contains(string(rendered), strings.TrimSpace(string(secret))) {
		t.Fatalf("config.php does not hold the secret (%v): the test checks nothing", err)
	}
	for path, want := range map[string]fs.FileMode{
		"/app/data/.app_secret":  0o600,
		"/app/data/keys":         0o700 | fs.ModeDir,
		"/app/data/keys/api.key": 0o600,
		"/run/app/config.php":    0o640,
		"/app/data/config.ini":   0o640,
		"/run/app/public.txt":    0o644, // asked for
	} {
		fi, err := os.Lstat(c.HostPath(path))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		st := fi.Sys().(*syscall.Stat_t)
		if fi.Mode() != want || int(st.Uid) != c.UID() {
			t.Errorf("%s: mode %v uid %d, want %v uid %d", path, fi.Mode(), st.Uid, want, c.UID())
		}
		if other := fi.Mode().Perm()&0o007 != 0; other != (path == "/run/app/public.txt") {
			t.Errorf("%s: other bits %v", path, fi.Mode().Perm()&0o007)
		}
	}
	f := &fault{t: t, c: c}
	f.stopsCleanly()
}

// victims are what the symlink attacks aim at, as the container sees it:
// /etc/shadow, and /etc/ssl with the snakeoil private key below it.
var victims = []string{"/etc", "/etc/shadow", "/etc/ssl", "/etc/ssl/private", "/etc/ssl/openssl.cnf"}
