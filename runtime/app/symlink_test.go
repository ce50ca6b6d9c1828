package app_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"appstart/runtime/harness"
	"appstart/runtime/harness/skip"
)

// snapshot records owner, mode, and for files size and content hash of each victim, and
// the names in /etc/ssl, so any change shows.
func snapshot(t *testing.T, c *harness.Container) string {
	t.Helper()
	var b strings.Builder
	for _, p := range victims {
		fi, err := os.Lstat(c.HostPath(p))
		if err != nil {
			fmt.Fprintf(&b, "%s: %v\n", p, err)
			continue
		}
		st := fi.Sys().(*syscall.Stat_t)
		fmt.Fprintf(&b, "%s %d:%d %v", p, st.Uid, st.Gid, fi.Mode())
		if fi.Mode().IsRegular() { // a directory's size moves with the overlay's copy-ups
			fmt.Fprintf(&b, " %d", fi.Size())
			data, _ := os.ReadFile(c.HostPath(p))
			sum := sha256.Sum256(data)
			fmt.Fprintf(&b, " %s", hex.EncodeToString(sum[:8]))
		}
		b.WriteString("\n")
	}
	ents, _ := os.ReadDir(c.HostPath("/etc/ssl"))
	for _, e := range ents {
		b.WriteString(" " + e.Name())
	}
	return b.String()
}

// attack is one symlink the app user plants in /app/data before a start,
// the spec that start runs, and what must come of it.
type attack struct {
	name  string
	links map[string]string // link in /app/data -> target
	spec  string
	// refuse, when set, is the path the failed start must name, with
	// "symbolic link"; "" means the start must succeed without following
	// the link.
	refuse string
	check  func(t *testing.T, c *harness.Container)
}

var attacks = []attack{{
	name:  "chown walk meets links",
	links: map[string]string{"walk/shadow": "/etc/shadow", "walk/etc": "/etc"},
	spec:  "[[chown]]\npath = \"/app/data/walk\"\n",
	check: func(t *testing.T, c *harness.Container) {
		// lchown'ed themselves: planted as root below, now cloudron's.
		for _, l := range []string{"walk/shadow", "walk/etc"} {
			wantLink(t, c, "/app/data/"+l, c.UID())
		}
	},
}, {
	name:  "chown path is a link",
	links: map[string]string{"cfg": "/etc"},
	spec:  "[[chown]]\npath = \"/app/data/cfg\"\n",
	check: func(t *testing.T, c *harness.Container) { wantLink(t, c, "/app/data/cfg", c.UID()) },
}, {
	name:   "chown path under a linked directory",
	refuse: "/app/data/cfg",
	links:  map[string]string{"cfg": "/etc"},
	spec:   "[[chown]]\npath = \"/app/data/cfg/ssl\"\n",
}, {
	name:  "template target is a link",
	links: map[string]string{"config.php": "/etc/shadow"},
	spec:  "[[templates]]\nsource = \"/app/pkg/t.tmpl\"\ntarget = \"/app/data/config.php\"\n",
	check: func(t *testing.T, c *harness.Container) {
		// Replaced, not followed: rename(2) replaces the link itself.
		b, err := os.ReadFile(c.HostPath("/app/data/config.php"))
		fi, _ := os.Lstat(c.HostPath("/app/data/config.php"))
		if err != nil || string(b) != "rendered\n" || fi == nil || !fi.Mode().IsRegular() {
			t.Errorf("config.php = %q (%v, %v), want the rendered regular file", b, err, fi)
		}
	},
}, {
	name:   "template target under a linked directory",
	refuse: "/app/data/conf",
	links:  map[string]string{"conf": "/etc"},
	spec:   "[[templates]]\nsource = \"/app/pkg/t.tmpl\"\ntarget = \"/app/data/conf/ssl/app.conf\"\n",
}, {
	name:   "patch file is a link",
	links:  map[string]string{"config.ini": "/etc/shadow"},
	spec:   "[[patch]]\nfile = \"/app/data/config.ini\"\nformat = \"ini\"\nset = { \"a.b\" = \"c\" }\n",
	refuse: "/app/data/config.ini",
}, {
	name:  "seed destinations are links",
	links: map[string]string{"default.conf": "/etc/shadow", "defaults": "/etc"},
	spec: "[[seed]]\nfrom = \"/app/pkg/default.conf\"\nto = \"/app/data/default.conf\"\nmode = \"0666\"\n" +
		"[[seed]]\nfrom = \"/app/pkg/defaults/\"\nto = \"/app/data/defaults/\"\nmode = \"0666\"\n",
	check: func(t *testing.T, c *harness.Container) {
		// cp -n: an existing entry, a link included, is left as it is.
		wantLink(t, c, "/app/data/default.conf", c.UID())
		wantLink(t, c, "/app/data/defaults", c.UID())
		if _, err := os.Lstat(c.HostPath("/etc/seeded.txt")); err == nil {
			t.Error("seed copied into /etc through the link")
		}
	},
}, {
	name:   "secret file is a link",
	links:  map[string]string{".secret": "/etc/shadow"},
	spec:   "[[secrets]]\nname = \"S\"\nfile = \"/app/data/.secret\"\n",
	refuse: "/app/data/.secret",
}, {
	name:   "secret file under a linked directory",
	refuse: "/app/data/keys",
	links:  map[string]string{"keys": "/etc"},
	spec:   "[[secrets]]\nname = \"S\"\nfile = \"/app/data/keys/shadow\"\n",
}, {
	name:   "dirs path is a link",
	links:  map[string]string{"sessions": "/etc"},
	spec:   "[[dirs]]\npath = \"/app/data/sessions\"\nmode = \"0777\"\n",
	refuse: "/app/data/sessions",
}, {
	name:   "dirs path under a linked directory",
	refuse: "/app/data/d",
	links:  map[string]string{"d": "/etc"},
	spec:   "[[dirs]]\npath = \"/app/data/d/ssl\"\nmode = \"0777\"\n",
}}

// The app user plants symlinks in /app/data pointing at /etc/shadow or
// /etc, where a start will chown, render, patch, seed, make a secret or a
// directory; then a start runs as root. Whatever happens, /etc/shadow and
// /etc/ssl (owner, mode, content, entries) are unchanged: the start either
// refuses with a clear error or deals with the link itself. The root is
// writable (the platform's debug mode; an overlay, never the host), since
// on a read-only root a followed link would only hit EROFS and hide the
// bug. The start is `appstart run --until chown` exec'd beside PID 1, so
// one container serves every case and its overlay can be inspected.
func TestSymlinkAttacks(t *testing.T) {
	hostBefore := hostShadow(t)
	c := harness.Run(t, harness.Options{
		Argv:     []string{"sleep", "infinity"},
		Writable: true,
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
		Pkg: map[string]string{
			"t.tmpl":                "rendered\n",
			"default.conf":          "default\n",
			"defaults/seeded.txt":   "seeded\n",
			"defaults/nested/x.txt": "x\n",
		},
	})
	before := snapshot(t, c)
	shadow, err := os.ReadFile(c.HostPath("/etc/shadow"))
	if err != nil || len(shadow) == 0 {
		t.Fatalf("cannot read the container's /etc/shadow: %v", err)
	}
	shadowLine, _, _ := strings.Cut(string(shadow), "\n")
	if !strings.Contains(before, "/etc/shadow 0:") || !strings.Contains(before, "private") {
		t.Fatalf("unexpected victims:\n%s", before)
	}
	for _, a := range attacks {
		t.Run(strings.ReplaceAll(a.name, " ", "_"), func(t *testing.T) {
			resetData(t, c)
			for link, target := range a.links {
				plant(t, c, "/app/data/"+link, target, strings.HasPrefix(link, "walk/"))
			}
			spec := "user = \"cloudron\"\n" + a.spec
			if err := os.WriteFile(c.HostPath("/run/attack.toml"), []byte(spec), 0o644); err != nil {
				t.Fatal(err)
			}
			r := c.Exec("/app/bin/appstart", "run", "--config", "/run/attack.toml", "--until", "chown")
			out := r.Stdout + r.Stderr
			switch {
			case a.refuse == "" && r.ExitCode != 0:
				t.Errorf("start failed (exit %d), want it to deal with the link:\n%s", r.ExitCode, out)
			case a.refuse != "" && (r.ExitCode == 0 || !strings.Contains(out, a.refuse) || !strings.Contains(out, "symbolic link")):
				t.Errorf("start exit %d, want a refusal naming %s as a symbolic link:\n%s", r.ExitCode, a.refuse, out)
			}
			if after := snapshot(t, c); after != before {
				t.Errorf("the start followed the link: victims changed\nbefore:\n%s\nafter:\n%s\nappstart said:\n%s", before, after, out)
				restoreVictims(t, c, before)
			}
			if strings.Contains(out, shadowLine) {
				t.Errorf("appstart printed /etc/shadow:\n%s", out)
			}
			if a.check != nil {
				a.check(t, c)
			}
			t.Logf("exit %d: %s", r.ExitCode, firstLine(r.Stderr, "appstart: "))
		})
	}
	if hostShadow(t) != hostBefore {
		t.Fatal("the HOST's /etc/shadow changed")
	}
}

// plant makes link -> target in /app/data as the app user (asRoot: as
// root, so that a later lchown to cloudron shows), making parents as it.
func plant(t *testing.T, c *harness.Container, link, target string, asRoot bool) {
	t.Helper()
	argv := []string{"/bin/sh", "-c", `mkdir -p "$(dirname "$1")" && ln -s "$2" "$1"`, "sh", link, target}
	if !asRoot {
		argv = append([]string{"/app/bin/appstart", "exec-as", "cloudron"}, argv...)
	}
	if r := c.Exec(argv...); r.ExitCode != 0 {
		t.Fatalf("cannot plant %s -> %s: %s", link, target, r.Stderr)
	}
}

// resetData empties /app/data (links removed, never followed) and gives
// it to the app user, as the platform does.
func resetData(t *testing.T, c *harness.Container) {
	t.Helper()
	ents, _ := os.ReadDir(c.DataDir())
	for _, e := range ents {
		if err := os.RemoveAll(filepath.Join(c.DataDir(), e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chown(c.DataDir(), c.UID(), c.GID()); err != nil {
		t.Fatal(err)
	}
}

// restoreVictims puts back what a followed link changed, so one failing
// case does not fail the next ones.
func restoreVictims(t *testing.T, c *harness.Container, before string) {
	t.Helper()
	r := c.Exec("/bin/sh", "-c", "chown root:shadow /etc/shadow && chmod 0640 /etc/shadow && "+
		"chown -R root:root /etc/ssl && chown root:ssl-cert /etc/ssl/private && chmod 0710 /etc/ssl/private && "+
		"chmod 0755 /etc /etc/ssl && chown root:root /etc && rm -f /etc/ssl/app.conf")
	if after := snapshot(t, c); after != before || r.ExitCode != 0 {
		t.Fatalf("cannot restore the victims (%s):\n%s", r.Stderr, after)
	}
}

func wantLink(t *testing.T, c *harness.Container, path string, uid int) {
	t.Helper()
	fi, err := os.Lstat(c.HostPath(path))
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 || int(fi.Sys().(*syscall.Stat_t).Uid) != uid {
		t.Errorf("%s: %v %v, want a symlink owned by %d", path, fi, err, uid)
	}
}

func hostShadow(t *testing.T) string {
	t.Helper()
	fi, err := os.Stat("/etc/shadow")
	if err != nil {
		skip.OrFail(t, "no /etc/shadow on this host")
	}
	st := fi.Sys().(*syscall.Stat_t)
	return fmt.Sprintf("%d:%d %v %d %v", st.Uid, st.Gid, fi.Mode(), fi.Size(), fi.ModTime())
}

func firstLine(s, prefix string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) && strings.Contains(l, "cannot") {
			return l
		}
	}
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
