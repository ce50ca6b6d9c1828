package patch

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"appstart/runtime/harness/skip"
)

// phpBoolWord matches values written raw on purpose (see ini.go) that
// parse_ini_file turns into "1" or "".
var phpBoolWord = regexp.MustCompile(`^(?i:on|off|yes|no|true|false|null|none)$`)

// TestINIValuesReadByPHP writes every tricky value as a new key and over a
// raw, a 'single' and a "double" quoted value, and has PHP's parse_ini_file
// read them all back (one php run for all files).
func TestINIValuesReadByPHP(t *testing.T) {
	php, err := exec.LookPath("php")
	if err != nil {
		skip.OrFail(t, "php not installed (apt-get install php-cli): parse_ini_file check skipped")
	}
	const base = "[s]\nraw = old\nsingle = 'old'\ndouble = \"old\"\n"
	dir := t.TempDir()
	want := map[string]string{} // file -> value
	for i, v := range trickyValues() {
		if phpBoolWord.MatchString(v) {
			continue
		}
		set := []KV{{"s.raw", v}, {"s.single", v}, {"s.double", v}, {"s.new", v}, {"t.new", v}}
		out, _, err := Apply(INI, "config.ini", []byte(base), set, nil)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		checkApplied(t, INI, []byte(base), out, set, nil, nil)
		name := fmt.Sprintf("v%03d.ini", i)
		if err := os.WriteFile(filepath.Join(dir, name), out, 0o644); err != nil {
			t.Fatal(err)
		}
		want[name] = v
	}
	// Negative control: a raw ; is a comment to PHP, so the check can fail.
	if err := os.WriteFile(filepath.Join(dir, "control.ini"), []byte("[s]\nraw = a;b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `$out = [];
foreach (glob($argv[1] . "/*.ini") as $f) { $out[basename($f)] = parse_ini_file($f, true, INI_SCANNER_NORMAL); }
echo json_encode($out);`
	// This package starts no long-lived processes; Output is the plain way
	// to run a one-shot checker in a test.
	cmd := exec.Command(php, "-r", script, dir)
	cmd.Env = append(os.Environ(), "HOME=/nonexistent") // ${HOME} must not expand
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("php: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("php output %q: %v", b, err)
	}
	if c := fmt.Sprint(got["control.ini"]); !strings.Contains(c, "raw:a]") {
		t.Errorf("control: PHP read %s, want raw = a", c)
	}
	for name, v := range want {
		secs, ok := got[name].(map[string]any)
		if !ok {
			t.Errorf("%q: PHP could not parse the file", v)
			continue
		}
		for _, sk := range []string{"s.raw", "s.single", "s.double", "s.new", "t.new"} {
			sec, key, _ := strings.Cut(sk, ".")
			m, _ := secs[sec].(map[string]any)
			if g, _ := m[key].(string); g != v {
				t.Errorf("%s = %q: PHP reads %q", sk, v, g)
			}
		}
	}
}

func TestNeedsQuoteINI(t *testing.T) {
	for v, want := range map[string]bool{
		"plain": false, "": false, "/a/b:c@d.e,f+g-h_i": false, "a\\b": false, "{x}?[y]": false,
		"a;b": true, "a#b": true, " x": true, "x\t": true, "a\nb": true, "a\"b": true, "a'b": true,
		"a=b": true, "a$b": true, "a!b": true, "a&b": true, "a(b": true, "a)b": true, "a^b": true,
		"a|b": true, "a~b": true, "a\x7fb": true,
	} {
		if got := needsQuoteINI(v); got != want {
			t.Errorf("needsQuoteINI(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestPHPDoubleRoundTrip(t *testing.T) {
	for _, v := range trickyValues() {
		q := quotePHPDouble(v)
		end, ok := scanPHPDouble([]byte(q), 0)
		if !ok || end != len(q) {
			t.Errorf("%q: quoted %q scans to %d, %v", v, q, end, ok)
			continue
		}
		if got := unquotePHPDouble([]byte(q[1 : len(q)-1])); got != v {
			t.Errorf("%q: quoted %q reads back %q", v, q, got)
		}
	}
}
