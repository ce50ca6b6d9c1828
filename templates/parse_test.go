package templates

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func mustParse(t testing.TB, name string, src []byte) *Template {
	t.Helper()
	tmpl, err := Parse(name, src)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// formsEnv is the environment of the form tests.
var formsEnv = map[string]string{
	"A": "alpha", "B": "beta", "DB_HOST": "db", "DB_HOSTNAME": "db.example",
	"DB_PORT": "5432", "IF": "if-var", "EMPTY": "", "PASS": `p@ss'w"d`,
	"LDAP": "ldap://ldap:389", "HASHY": "##A ##{B} ##IF A",
}

func render(t *testing.T, src string, opts Options) (string, error) {
	t.Helper()
	tmpl, err := Parse("t", []byte(src))
	if err != nil {
		return "", err
	}
	out, err := tmpl.Render(lookupIn(formsEnv), opts)
	return string(out), err
}

func TestPlaceholderForms(t *testing.T) {
	t.Parallel()
	tests := []struct{ src, want string }{
		{"##A", "alpha"},
		{"x##A.y", "xalpha.y"},
		{"##DB_HOST:##DB_HOSTNAME", "db:db.example"},     // longest name wins
		{"##DB_HOSTX", ""},                               // DB_HOSTX is unset: see TestUnsetCollectsAll
		{"##A##", "alpha"},                               // closing ## consumed
		{"##A## ##B##", "alpha beta"},                    //
		{"##A##.", "alpha."},                             //
		{"##A###", "alpha#"},                             // closing ##, then text
		{"##A####B", "alphabeta"},                        // closing ## then ##B
		{"##A#####B", "alpha#beta"},                      // closing ##, "#", ##B
		{"##A#B", "alpha#B"},                             // one hash is text
		{"##{A}", "alpha"},                               //
		{"##{A}B", "alphaB"},                             // braces for a following name char
		{"##{DB_PORT}0", "54320"},                        //
		{"##{A}##B", "alphabeta"},                        //
		{"##{PASS|url}", "p%40ss%27w%22d"},               // per-placeholder escape
		{"##{PASS|none}", `p@ss'w"d`},                    //
		{"##{IF}", "if-var"},                             // braces never make a directive
		{"##IFACE", ""},                                  // a longer name is a name (unset here)
		{"###A", "#alpha"},                               // last two hashes open
		{"####A", "##alpha"},                             //
		{"##", "##"},                                     //
		{"## comment ##", "## comment ##"},               //
		{"##1abc ##-x ##.x ##!", "##1abc ##-x ##.x ##!"}, //
		{"##{}", "##"},                                   // literal ## escape
		{"##{}A ##{}{A}", "##A ##{A}"},                   //
		{"##{ A} ##{1} ##{", "##{ A} ##{1} ##{"},         //
		{"#A #{A} #", "#A #{A} #"},                       //
		{"a\r\n##A\r\n", "a\r\nalpha\r\n"},               // CRLF kept; name stops at \r
		{"##A", "alpha"},                                 // no trailing newline
		{"##HASHY", "##A ##{B} ##IF A"},                  // single pass: a value is never re-expanded
		{"##EMPTY|", "|"},                                // set but empty renders empty
		{"é##A€", "éalpha€"},                             //
	}
	for _, tt := range tests {
		if tt.want == "" {
			continue
		}
		got, err := render(t, tt.src, Options{})
		if err != nil {
			t.Errorf("%q: %v", tt.src, err)
			continue
		}
		if got != tt.want {
			t.Errorf("render %q = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ src, want string }{
		{"##A##B", `template t: line 1: ambiguous "##A##B": write ##{A} to end the placeholder where you mean it to`},
		{"x\n##A###B", `template t: line 2: ambiguous "##A###B": write ##{A} to end the placeholder where you mean it to`},
		{"##A##1", `template t: line 1: ambiguous "##A##1": write ##{A} to end the placeholder where you mean it to`},
		{"##A##{B}", `template t: line 1: ambiguous "##A##{": write ##{A} to end the placeholder where you mean it to`},
		{"##{A", `template t: line 1: unterminated placeholder ##{A: write ##{A} or ##{A|escape}`},
		{"##{A\n}", `template t: line 1: unterminated placeholder ##{A: write ##{A} or ##{A|escape}`},
		{"##{A B}", `template t: line 1: unterminated placeholder ##{A: write ##{A} or ##{A|escape}`},
		{"##{A|html}", `template t: line 1: unknown escape "html" in ##{A|html} (known: none, php, json, yaml, shell, xml, url)`},
		{"##{A|}", `template t: line 1: unknown escape "" in ##{A|} (known: none, php, json, yaml, shell, xml, url)`},
		{"##{A|URL}", `template t: line 1: unterminated placeholder ##{A: write ##{A} or ##{A|escape}`},
		{"x ##IF A", `template t: line 1: ##IF is a directive and must be alone on its line (write ##{IF} for a variable of that name)`},
		{"##END\n", `template t: line 1: ##END without ##IF`},
		{"##ELSE\n", `template t: line 1: ##ELSE without ##IF`},
		{"##IF A\n##ELSE\n##ELSE\n##END\n", `template t: line 3: second ##ELSE for ##IF A (line 1)`},
		{"a\n##IF A\n##IF !B\n", `template t: line 2: ##IF A has no ##END; line 3: ##IF !B has no ##END`},
		{"##IF\n##END\n", `template t: line 1: malformed directive "##IF": write ##IF NAME, ##IF !NAME, ##ELSE or ##END alone on a line`},
		{"##IF A B\n##END\n", `template t: line 1: malformed directive "##IF A B": write ##IF NAME, ##IF !NAME, ##ELSE or ##END alone on a line`},
		{"##IF 1A\n##END\n", `template t: line 1: malformed directive "##IF 1A": write ##IF NAME, ##IF !NAME, ##ELSE or ##END alone on a line`},
		{"##IF A\n##END A\n", `template t: line 2: malformed directive "##END A": write ##IF NAME, ##IF !NAME, ##ELSE or ##END alone on a line`},
		{"##IF A\n##END##\n", `template t: line 2: malformed directive "##END##": write ##IF NAME, ##IF !NAME, ##ELSE or ##END alone on a line`},
		// every problem at once, in line order
		{"##A##B\n##{C|x}\n##END\n", `template t: line 1: ambiguous "##A##B": write ##{A} to end the placeholder where you mean it to; ` +
			`line 2: unknown escape "x" in ##{C|x} (known: none, php, json, yaml, shell, xml, url); line 3: ##END without ##IF`},
	}
	for _, tt := range tests {
		_, err := Parse("t", []byte(tt.src))
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want %s", tt.src, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Parse(%q):\n got %s\nwant %s", tt.src, err, tt.want)
		}
		if _, ok := err.(*Error); !ok {
			t.Errorf("Parse(%q) error is %T, want *Error", tt.src, err)
		}
	}
}

func TestPlaceholdersAndVars(t *testing.T) {
	t.Parallel()
	src := "a ##DB_HOST\n##IF LDAP\n  ##{LDAP|url}\n##IF !X\n##Y\n##ELSE\n##Z##\n##END\n##END\n##A"
	tmpl := mustParse(t, "t", []byte(src))
	want := []Placeholder{
		{Name: "DB_HOST", Line: 1, When: []string{}},
		{Name: "LDAP", Line: 3, Escape: "url", When: []string{"LDAP"}},
		{Name: "Y", Line: 5, When: []string{"LDAP", "!X"}},
		{Name: "Z", Line: 7, When: []string{"LDAP", "X"}},
		{Name: "A", Line: 10, When: []string{}},
	}
	got := tmpl.Placeholders()
	for i := range got {
		if got[i].When == nil {
			got[i].When = []string{}
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Placeholders() =\n%+v\nwant\n%+v", got, want)
	}
	got[1].When[0] = "mutated"
	if tmpl.Placeholders()[1].When[0] != "LDAP" {
		t.Error("Placeholders returns shared slices")
	}
	if v := tmpl.Vars(); !slices.Equal(v, []string{"A", "DB_HOST", "LDAP", "X", "Y", "Z"}) {
		t.Errorf("Vars() = %v", v)
	}
	if tmpl.Name() != "t" {
		t.Errorf("Name() = %q", tmpl.Name())
	}
}

func TestParseCopiesSource(t *testing.T) {
	t.Parallel()
	src := []byte("x ##A y")
	tmpl := mustParse(t, "t", src)
	copy(src, "zzzzzzz")
	out, err := tmpl.Render(lookupIn(formsEnv), Options{})
	if err != nil || string(out) != "x alpha y" {
		t.Errorf("Render after the caller reused its buffer = %q, %v", out, err)
	}
}

func TestNoPlaceholdersIsIdentity(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"", "\n", "plain\r\n", "# one\n## two\n### three ####", strings.Repeat("x#", 1000)} {
		got, err := render(t, src, Options{Escape: JSON})
		if err != nil || got != src {
			t.Errorf("render %q = %q, %v", src, got, err)
		}
	}
}
