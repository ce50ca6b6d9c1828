package patch

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"appstart/runtime/harness/skip"
)

// Values no quoting-based writer gets right for every reader: quotes,
// dollars, comment characters, percent signs, brackets, non-ASCII.
var rawValues = []string{
	`kc"pa\$s;#x y`, `'single'`, `"double"`, `a;b#c`, `100%`, `%(name)s`, `[not a section]`, `=:=`,
	`C:\temp\`, `wörd €`, `on`, `E_ALL & ~E_DEPRECATED`, "tab\tinside", "",
}

const rawBase = `; Odoo configuration
; (managed keys are rewritten on each start)

[options]
addons_path = /app/code/addons
DB_Host = old
admin_passwd = first
    second line

[custom]
theme = dark
`

// python3Read reads an INI file with Python's configparser (class "raw":
// RawConfigParser, as Odoo; "plain": ConfigParser with interpolation) and
// returns section -> key -> value.
func python3Read(t *testing.T, class, file string) map[string]map[string]string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		skip.OrFail(t, "python3 is not installed: cannot read back with configparser")
	}
	script := `import configparser, json, sys
c = configparser.RawConfigParser() if sys.argv[1] == "raw" else configparser.ConfigParser()
c.read(sys.argv[2], encoding="utf-8")
out = {}
for s in c.sections():
    out[s] = {}
    for k in c.options(s):
        try:
            out[s][k] = c.get(s, k)
        except configparser.Error:  # ConfigParser's interpolation of a lone %
            pass
print(json.dumps(out))`
	out, err := exec.Command(py, "-c", script, class, file).Output()
	if err != nil {
		t.Fatalf("python3 configparser (%s): %v", class, err)
	}
	var m map[string]map[string]string
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func crudiniGet(t *testing.T, file, sec, key string) string {
	t.Helper()
	c, err := exec.LookPath("crudini")
	if err != nil {
		skip.OrFail(t, "crudini is not installed (apt-get install crudini)")
	}
	out, err := exec.Command(c, "--get", file, sec, key).Output()
	if err != nil {
		t.Fatalf("crudini --get %s %s: %v", sec, key, err)
	}
	return strings.TrimSuffix(string(out), "\n")
}

// TestRawINIReadBack writes awkward values with the raw dialect and reads
// them back with the real readers: Python's RawConfigParser (Odoo's) and
// ConfigParser, and crudini.
func TestRawINIReadBack(t *testing.T) {
	var set []KV
	for i, v := range rawValues {
		set = append(set, KV{Key: "options.v" + string(rune('a'+i)), Value: v})
	}
	set = append(set, KV{"options.db_host", "db.internal"}, KV{"options.admin_passwd", `new"pw`}, KV{"fresh.key", "x"})
	out, changed, err := Apply(INIRaw, "odoo.conf", []byte(rawBase), set, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(changed) != len(set) {
		t.Errorf("changed %v", changed)
	}
	// Our own reader agrees, so a second start changes nothing.
	if again, ch, err := Apply(INIRaw, "odoo.conf", out, set, nil); err != nil || len(ch) != 0 || string(again) != string(out) {
		t.Errorf("second apply changed %v (%v):\n%s", ch, err, again)
	}
	if !strings.Contains(string(out), "[options]\naddons_path = /app/code/addons\nDB_Host = db.internal\nadmin_passwd = new\"pw\n") {
		t.Errorf("DB_Host (a key configparser reads as db_host) and the continued admin_passwd are not replaced in place:\n%s", out)
	}
	file := filepath.Join(t.TempDir(), "odoo.conf")
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	raw, plain := python3Read(t, "raw", file), python3Read(t, "plain", file)
	for _, kv := range set {
		sec, name, _ := strings.Cut(kv.Key, ".")
		if got, ok := raw[sec][name]; !ok || got != kv.Value {
			t.Errorf("RawConfigParser: %s = %q (%v), want %q", kv.Key, got, ok, kv.Value)
		}
		if !strings.Contains(kv.Value, "%") {
			if got := plain[sec][name]; got != kv.Value {
				t.Errorf("ConfigParser: %s = %q, want %q", kv.Key, got, kv.Value)
			}
		}
		if got := crudiniGet(t, file, sec, name); got != kv.Value {
			t.Errorf("crudini: %s = %q, want %q", kv.Key, got, kv.Value)
		}
	}
	if got := raw["custom"]["theme"]; got != "dark" {
		t.Errorf("an unmanaged key changed: %q", got)
	}
}

// TestRawINIAgreesWithConfigParser: what this package reads from a file
// (continuation lines, ";" inside a value, case) is what configparser reads.
func TestRawINIAgreesWithConfigParser(t *testing.T) {
	src := "[s]\nA = 1;x\nb = first\n  second\n\n  # a comment line\n\n    third\nc=\nd: colon\n"
	file := filepath.Join(t.TempDir(), "x.ini")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	py := python3Read(t, "raw", file)["s"]
	doc, err := parseRawINI([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a", "b", "c", "d"} {
		got, ok, _ := doc.lookup("s." + k)
		if !ok || got != py[k] {
			t.Errorf("s.%s: read %q (%v), configparser %q", k, got, ok, py[k])
		}
	}
}

func TestRawINIRefuses(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]string{
		" lead":   "a raw ini value cannot start or end with a blank: every raw ini reader trims it",
		"trail\t": "a raw ini value cannot start or end with a blank: every raw ini reader trims it",
		"a\nb":    `a raw ini value cannot hold a line break (use format = "json" or a template for such a file)`,
		"a ;b":    `a raw ini value cannot start with ";" or "#" or hold one after a blank: crudini and PHP read a comment there`,
		"a\t#b":   `a raw ini value cannot start with ";" or "#" or hold one after a blank: crudini and PHP read a comment there`,
		"#b":      `a raw ini value cannot start with ";" or "#" or hold one after a blank: crudini and PHP read a comment there`,
	} {
		_, _, err := Apply(INIRaw, "x.ini", nil, []KV{{"s.k", v}}, nil)
		if err == nil || err.Error() != `x.ini: cannot set "s.k": `+want {
			t.Errorf("%q: %v", v, err)
		}
	}
}

// A key of the top, sectionless part (".key") goes below the file's
// leading comment and above the first section, in both dialects; crudini
// reads it there.
func TestINITopKey(t *testing.T) {
	src := "; generated by the package\n; edit freely\n\n; mail settings\n[mail]\nhost = a\n"
	want := "; generated by the package\n; edit freely\nlog_level = debug\n\n; mail settings\n[mail]\nhost = a\n"
	for _, f := range []string{INI, INIRaw} {
		out, _, err := Apply(f, "x.ini", []byte(src), []KV{{".log_level", "debug"}}, nil)
		if err != nil || string(out) != want {
			t.Errorf("%s: %v\n%s\nwant\n%s", f, err, out, want)
		}
		// A second top key goes after the first.
		out2, _, _ := Apply(f, "x.ini", out, []KV{{"top2", "2"}}, nil)
		if !strings.Contains(string(out2), "log_level = debug\ntop2 = 2\n\n; mail") {
			t.Errorf("%s: second top key:\n%s", f, out2)
		}
	}
	for src, want := range map[string]string{
		"[s]\nk = 1\n":           "t = v\n[s]\nk = 1\n",           // no comment: the very top
		"# only\n# comments\n\n": "# only\n# comments\nt = v\n\n", // no section: after the last line
		"a = 1\n[s]\n":           "a = 1\nt = v\n[s]\n",
	} {
		if out, _, err := Apply(INIRaw, "x.ini", []byte(src), []KV{{".t", "v"}}, nil); err != nil || string(out) != want {
			t.Errorf("%q: %q, %v; want %q", src, out, err, want)
		}
	}
	file := filepath.Join(t.TempDir(), "x.ini")
	if err := os.WriteFile(file, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := crudiniGet(t, file, "", "log_level"); got != "debug" {
		t.Errorf("crudini reads the top key as %q", got)
	}
}

const javaReader = `import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

// Prints, per key, "+" and the value's UTF-8 in hex, or "-" when absent:
// loaded as a stream (ISO-8859-1) and as a UTF-8 reader (Quarkus).
public class ReadProps {
	public static void main(String[] a) throws Exception {
		Properties s = new Properties(), r = new Properties();
		try (InputStream in = new FileInputStream(a[0])) { s.load(in); }
		try (Reader in = new InputStreamReader(new FileInputStream(a[0]), StandardCharsets.UTF_8)) { r.load(in); }
		for (int i = 1; i < a.length; i++) {
			for (Properties p : new Properties[] {s, r}) {
				String v = p.getProperty(a[i]);
				StringBuilder sb = new StringBuilder(v == null ? "-" : "+");
				if (v != null) for (byte b : v.getBytes(StandardCharsets.UTF_8)) sb.append(String.format("%02x", b));
				System.out.println(sb);
			}
		}
	}
}
`

// TestPropertiesReadBack writes values into a keycloak.conf-like file and
// reads them back with java.util.Properties (the JDK runs the reader from
// source: one JVM start for all keys).
func TestPropertiesReadBack(t *testing.T) {
	java, err := exec.LookPath("java")
	if err != nil {
		skip.OrFail(t, "java is not installed (apt-get install default-jdk-headless)")
	}
	base := "# Basic settings\n\n# The database vendor.\ndb=postgres\nhostname = old.example\nlong = first \\\n    second\n#db-password=secret\n"
	set := []KV{
		{"db-password", `kc"pa\$s;#x=y:z!`}, {"hostname", "auth.example"}, {"long", "replaced"},
		{"quarkus.http.port", "8080"}, {"lead", "  two blanks and trailing  "}, {"ctl", "tab\there\nnew\rline\fff"},
		{"uni", "wörd € 😀"}, {"url", "${KC_DB_URL:jdbc:postgresql://db/kc}"}, {"key with = and :", "v"}, {"empty", ""},
		{"#notcomment", "x"}, {"!bang", "y"},
	}
	out, _, err := Apply(Properties, "keycloak.conf", []byte(base), set, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again, ch, err := Apply(Properties, "keycloak.conf", out, set, nil); err != nil || len(ch) != 0 || string(again) != string(out) {
		t.Errorf("second apply changed %v (%v)", ch, err)
	}
	if !strings.HasPrefix(string(out), "# Basic settings\n\n# The database vendor.\ndb=postgres\nhostname = auth.example\nlong = replaced\n#db-password=secret\n") {
		t.Errorf("the file's own lines were not kept:\n%s", out)
	}
	dir := t.TempDir()
	file, src := filepath.Join(dir, "keycloak.conf"), filepath.Join(dir, "ReadProps.java")
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, []byte(javaReader), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{src, file}
	keys := []string{"db"}
	for _, kv := range set {
		keys = append(keys, kv.Key)
	}
	res, err := exec.Command(java, append(args, keys...)...).Output()
	if err != nil {
		t.Fatalf("java: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(res)), "\n")
	if len(lines) != 2*len(keys) {
		t.Fatalf("java printed %d lines for %d keys:\n%s", len(lines), len(keys), res)
	}
	want := append([]string{"postgres"}, func() (vs []string) {
		for _, kv := range set {
			vs = append(vs, kv.Value)
		}
		return
	}()...)
	for i, k := range keys {
		for j, how := range []string{"stream (ISO-8859-1)", "UTF-8 reader"} {
			l := lines[2*i+j]
			v, err := hex.DecodeString(l[1:])
			if l[0] != '+' || err != nil || string(v) != want[i] {
				t.Errorf("Properties.load from a %s: %q = %q (%s), want %q", how, k, v, l[:1], want[i])
			}
		}
	}
}

func TestPropertiesReads(t *testing.T) {
	t.Parallel()
	src := "a=1\n  b : two words  \nc\\ d = e\\=f\nlong = x \\\n   y\\\\\ng\nh \\u00e9\\uD83D\\uDE00\n! c\n# d\na = last\n"
	doc, err := parseProperties([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"a": "last", "b": "two words  ", "c d": "e=f", "long": `x y\`, "g": "", "h": "é😀"} {
		if got, ok, _ := doc.lookup(k); !ok || got != want {
			t.Errorf("%q = %q (%v), want %q", k, got, ok, want)
		}
	}
	if _, err := parseProperties([]byte("ok=1\nbad=\\u12\n")); err == nil || err.Error() != `line 2: cannot parse line: malformed \uXXXX escape` {
		t.Errorf("malformed escape: %v", err)
	}
}

// An admin's inline comment stays where crudini keeps it, and crudini and
// PHP-style readers get the new value.
func TestRawINIKeepsInlineComment(t *testing.T) {
	src := "[mail]\nhost = old.example   ; set by hand\n"
	out, _, err := Apply(INIRaw, "x.ini", []byte(src), []KV{{"mail.host", "smtp"}}, nil)
	if err != nil || string(out) != "[mail]\nhost = smtp   ; set by hand\n" {
		t.Fatalf("%q, %v", out, err)
	}
	file := filepath.Join(t.TempDir(), "x.ini")
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := crudiniGet(t, file, "mail", "host"); got != "smtp" {
		t.Errorf("crudini reads %q", got)
	}
}
