package stage

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// crashChecker holds what was seen in one data directory's life.
type crashChecker struct {
	root    string
	secrets map[string]string
}

func newCrashChecker(root string) *crashChecker {
	return &crashChecker{root: root, secrets: map[string]string{}}
}

var secretForms = map[string]*regexp.Regexp{
	".app_secret":  regexp.MustCompile(`^[0-9a-f]{64}$`),
	".session_key": regexp.MustCompile(`^[A-Za-z0-9]{48}$`),
	".ssh_key":     regexp.MustCompile(`^([A-Za-z0-9+/]{76}\n){10}[A-Za-z0-9+/]{40}\n$`),
}

func (c *crashChecker) check() error {
	data := c.root + "/data"
	for name, re := range secretForms {
		b, err := os.ReadFile(data + "/" + name)
		if os.IsNotExist(err) {
			if prev, ok := c.secrets[name]; ok {
				return fmt.Errorf("secret %s vanished (was %d bytes)", name, len(prev))
			}
			continue
		}
		if err != nil {
			return err
		}
		if !re.Match(b) {
			return fmt.Errorf("secret %s is invalid: %q", name, b)
		}
		if prev, ok := c.secrets[name]; ok && prev != string(b) {
			return fmt.Errorf("secret %s changed", name)
		}
		c.secrets[name] = string(b)
	}
	log, _ := os.ReadFile(data + "/log")
	lines := strings.Split(string(log), "\n")
	if exists(data + "/.initialized") {
		if !lastFollowedBy(lines, "fr1", "fr2") || !containsPrefix(lines, "fr3:") {
			return fmt.Errorf("first_run marker without its commands; log:\n%s", log)
		}
	}
	if v, err := os.ReadFile(data + "/.version"); err == nil {
		ver := strings.TrimSpace(string(v))
		if !contains(lines, "up2:"+ver) && !contains(lines, "fr3:"+ver) {
			return fmt.Errorf("version %s recorded without its upgrade or first run; log:\n%s", ver, log)
		}
	}
	if err := c.checkSeeded(); err != nil {
		return err
	}
	for _, p := range []string{c.root + "/run/app/config.json", data + "/config.json"} {
		b, err := os.ReadFile(p)
		if err == nil && (!strings.HasPrefix(string(b), `{"password": "p@ss/w&rd"`) || !strings.HasSuffix(string(b), `"}`)) {
			return fmt.Errorf("%s half-written: %d bytes", p, len(b))
		}
	}
	ini := readStringErr(data + "/user.ini")
	if !strings.HasPrefix(ini, "; mine\n[user]\ncolor = blue\n") {
		return fmt.Errorf("user.ini lost the user's keys: %q", ini)
	}
	return nil
}

// checkSeeded: every seeded file under its real name is whole.
func (c *crashChecker) checkSeeded() error {
	dst := c.root + "/data/defaults"
	return filepath.WalkDir(dst, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") { // temp names start with "."
			return nil
		}
		var i int
		if _, err := fmt.Sscanf(d.Name(), "f%03d.txt", &i); err != nil {
			return fmt.Errorf("unexpected seeded file %s", p)
		}
		if b, _ := os.ReadFile(p); string(b) != seedContent(i) {
			return fmt.Errorf("seeded file %s half-written: %d bytes", p, len(b))
		}
		return nil
	})
}

// complete: after a clean run everything is in place.
func (c *crashChecker) complete() error {
	data := c.root + "/data"
	for _, p := range []string{"/.initialized", "/.version", "/.app_secret", "/.session_key", "/.ssh_key", "/config.json"} {
		if !exists(data + p) {
			return fmt.Errorf("%s missing after a clean run", p)
		}
	}
	n := 0
	filepath.WalkDir(data+"/defaults", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	if n != crashSeedFiles {
		return fmt.Errorf("%d of %d seeded files after a clean run", n, crashSeedFiles)
	}
	if v := readStringErr(data + "/.version"); v != "final\n" {
		return fmt.Errorf("version %q after a clean run", v)
	}
	if ini := readStringErr(data + "/user.ini"); !strings.Contains(ini, "secret = "+c.secrets[".app_secret"]) {
		return fmt.Errorf("user.ini not patched: %q", ini)
	}
	return nil
}

func readStringErr(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}

func containsPrefix(lines []string, p string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// lastFollowedBy reports whether the last a is followed later by b.
func lastFollowedBy(lines []string, a, b string) bool {
	last := -1
	for i, l := range lines {
		if l == a {
			last = i
		}
	}
	return last >= 0 && contains(lines[last:], b)
}

// The checker's negative control: each kind of damage the crash test looks
// for is caught when it is really there.
func TestCrashCheckerCatchesDamage(t *testing.T) {
	root := t.TempDir()
	for _, c := range []struct {
		name  string
		setup func(data string)
		want  string
	}{
		{"empty secret", func(d string) { writeFile(t, d+"/.app_secret", "") }, "secret .app_secret is invalid"},
		{"half secret", func(d string) { writeFile(t, d+"/.ssh_key", "QUJD\n") }, "secret .ssh_key is invalid"},
		{"marker without commands", func(d string) {
			writeFile(t, d+"/log", "fr1\n")
			writeFile(t, d+"/.initialized", "")
		}, "first_run marker without its commands"},
		{"version without upgrade", func(d string) {
			writeFile(t, d+"/log", "up1:v2\n")
			writeFile(t, d+"/.version", "v2\n")
		}, "version v2 recorded without"},
		{"half seeded file", func(d string) { writeFile(t, d+"/defaults/d01/f001.txt", "seed file 1\n") }, "half-written"},
		{"half template", func(d string) { writeFile(t, d+"/config.json", `{"password": "p@ss/w&rd", "secr`) }, "half-written"},
		{"user keys lost", func(d string) { writeFile(t, d+"/user.ini", "[app]\n") }, "lost the user's keys"},
	} {
		resetData(t, root)
		c.setup(root + "/data")
		if err := newCrashChecker(root).check(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// A secret that changes between two looks.
	resetData(t, root)
	chk := newCrashChecker(root)
	writeFile(t, root+"/data/.app_secret", strings.Repeat("a", 64))
	if err := chk.check(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, root+"/data/.app_secret", strings.Repeat("b", 64))
	if err := chk.check(); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("changed secret: %v", err)
	}
}
