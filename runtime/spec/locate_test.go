package spec

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

const tricky = `# [not.a.table] = "comment"
user = "x" # key = "in a comment"
text = """
[fake]
fake = "no"
"""
lit = '''
[[fake]]'''
"quoted.key" = 1
a.b . c = 2
arr = [
  1, # ] in a comment
  { x = 1, y = [ "]", '[' ] },
  "s",
]

[[dirs]]
path = "/run/a"

[[dirs]] # second
path = "/run/b"
mode = "0750"

[programs.web]
command = ["node", "x"]
healthcheck = { http = "h",
  interval = "1s" }

[programs."my.app"]
command = "x"

[[t]]
[[t.u]]
v = 1
[[t.u]]
v = 2
[[t]]
[[t.u]]
v = 3
`

// TestLocate checks positions in a document written to confuse a naive
// scanner: multi-line strings holding headers, comments holding keys,
// dotted and quoted keys, arrays and inline tables over several lines,
// repeated and nested arrays of tables.
func TestLocate(t *testing.T) {
	if _, err := toml.Decode(tricky, new(map[string]any)); err != nil {
		t.Fatalf("the fixture must be valid TOML: %v", err)
	}
	at := locate([]byte(tricky))
	for key, want := range map[string]pos{
		"user":                              {2, 1},
		"text":                              {3, 1},
		"lit":                               {7, 1},
		`"quoted.key"`:                      {9, 1},
		"a":                                 {10, 1},
		"a.b.c":                             {10, 1},
		"arr":                               {11, 1},
		"arr[1]":                            {12, 3},
		"arr[2]":                            {13, 3},
		"arr[2].x":                          {13, 5},
		"arr[2].y":                          {13, 12},
		"arr[2].y[1]":                       {13, 18},
		"arr[2].y[2]":                       {13, 23},
		"arr[3]":                            {14, 3},
		"dirs":                              {17, 1},
		"dirs[1]":                           {17, 1},
		"dirs[1].path":                      {18, 1},
		"dirs[2]":                           {20, 1},
		"dirs[2].path":                      {21, 1},
		"dirs[2].mode":                      {22, 1},
		"programs.web":                      {24, 1},
		"programs.web.command[2]":           {25, 20},
		"programs.web.healthcheck.http":     {26, 17},
		"programs.web.healthcheck.interval": {27, 3},
		`programs."my.app"`:                 {29, 1},
		`programs."my.app".command`:         {30, 1},
		"t[1]":                              {32, 1},
		"t[1].u[1].v":                       {34, 1},
		"t[1].u[2].v":                       {36, 1},
		"t[2].u[1].v":                       {39, 1},
	} {
		if got, ok := at[key]; !ok || got != want {
			t.Errorf("%s: got %v (found %v), want %v", key, got, ok, want)
		}
	}
	for _, bogus := range []string{"fake", "not", "key", "t[1].u[3]", "t[3]"} {
		if _, ok := at[bogus]; ok {
			t.Errorf("%s should not be located: it is inside a string or comment, or does not exist", bogus)
		}
	}
}

// TestLocateAgreesWithTOML: on every file of the corpus that parses, each
// key the TOML library reports is located (indices aside), so no problem
// loses its line.
func TestLocateAgreesWithTOML(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpus, "*", "*.toml"))
	files = append(files, "locate_test.go") // holds the tricky fixture
	index := regexp.MustCompile(`\[\d+\]`)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if f == "locate_test.go" {
			data = []byte(tricky)
		}
		md, err := toml.Decode(string(data), new(map[string]any))
		if err != nil {
			continue // the syntax-error cases
		}
		located := map[string]bool{}
		for k := range locate(data) {
			located[index.ReplaceAllString(k, "")] = true
		}
		for _, k := range md.Keys() {
			path := ""
			for _, seg := range k {
				path = joinKey(path, seg)
			}
			if !located[path] {
				t.Errorf("%s: key %s is not located", f, path)
			}
		}
	}
}

func TestParentKey(t *testing.T) {
	for in, want := range map[string]string{
		"programs.web.after[2]":  "programs.web.after",
		"programs.web.after":     "programs.web",
		`patch[1].set."a.b"`:     "patch[1].set",
		`programs."my.app".user`: `programs."my.app"`,
		"dirs[1]":                "dirs",
		"user":                   "",
		"":                       "",
	} {
		if got := parentKey(in); got != want {
			t.Errorf("parentKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestJoinKey(t *testing.T) {
	if got := joinKey(joinKey("patch[1].set", "mail.host"), "x"); got != `patch[1].set."mail.host".x` {
		t.Errorf("got %s", got)
	}
	if got := joinKey("", "user"); got != "user" {
		t.Errorf("got %s", got)
	}
	if !strings.Contains(indexKey("dirs", 2), "[2]") {
		t.Error("indexKey")
	}
}
