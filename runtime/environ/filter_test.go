package environ

import (
	"crypto/sha256"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"appstart/runtime/harness/skip"
)

func TestExpandConditional(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"${HOST:+on}", "on"},
		{"${EMPTY:+on}", ""},   // :+ wants non-empty
		{"${MISSING:+on}", ""}, // unset is no error
		{"${HOST+on}", "on"},
		{"${EMPTY+on}", "on"}, // + only wants set
		{"${MISSING+on}", ""},
		{"--proxy=${HOST:+${HOST}:${PORT}}", "--proxy=db:5432"},
		{"${MISSING:+${ALSO_MISSING}}", ""}, // an unused word is not expanded
		{"${HOST:+a}b}", "ab}"},             // the word ends at the first }
		{"${HOST:+${PW|url}}", "p%40ss%2Fw%27rd"},
		{"${HOST:+true}${MISSING:+true}", "true"},
	}
	for _, tt := range tests {
		got, err := Expand(tt.in, lookupIn(testVars))
		if err != nil || got != tt.want {
			t.Errorf("Expand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if refs, _ := Refs("${A:+x${B}}"); strings.Join(refs, ",") != "A,B" {
		t.Errorf("Refs of a :+ word = %v, want [A B]", refs)
	}
}

// TestExpandConditionalAsShell compares ${X:+word} and ${X+word} with a real
// sh, for X unset, empty and set.
func TestExpandConditionalAsShell(t *testing.T) {
	exprs := []string{
		"${X:+on}", "${X+on}", "${X:+[${X}]}", "${X:+a}b}", "${X:+${Y:-y}}", "${X+${X}:${Y-none}}",
		"${X:+true}${X:-false}", "pre${X:+-${X}-}post",
	}
	for _, env := range []map[string]string{{}, {"X": ""}, {"X": "v"}, {"X": "v", "Y": ""}} {
		var src strings.Builder
		for n, v := range env {
			fmt.Fprintf(&src, "%s='%s'\n", n, v)
		}
		var names []string
		for i, e := range exprs {
			fmt.Fprintf(&src, "R%d=\"%s\"\n", i, e)
			names = append(names, "R"+strconv.Itoa(i))
		}
		sh := runShell(t, src.String(), names...)
		for i, e := range exprs {
			got, err := Expand(e, lookupIn(env))
			if err != nil || got != sh[names[i]] {
				t.Errorf("with %v: Expand(%q) = %q, %v; sh says %q", env, e, got, err, sh[names[i]])
			}
		}
	}
}

func TestExpandFilters(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"MB": "4096", "SMALL": "256", "NEG": "-7", "PW": "s3cr3t", "WORD": "abc",
		"BIG": "9223372036854775807"}
	tests := []struct{ in, want string }{
		{"${PW|sha256}", "4e738ca5563c06cfd0018299933d58db1dd8bf97f6973dc99bf6cdc64b5550bd"},
		{"${MB|percent:80}", "3276"},
		{"${MB|percent:75|mul:1048576}", "3221225472"},
		{"${MB|sub:1024|div:768|max:1}", "4"},
		{"${SMALL|sub:1024|div:768|max:1}", "1"},
		{"${SMALL|sub:1024|div:768}", "-1"}, // rounds down
		{"${NEG|div:2}", "-4"},
		{"${MB|add:1|min:100}", "100"},
		{"${MB|div:3}", "1365"},
		{"${PW|sha256|json}", "4e738ca5563c06cfd0018299933d58db1dd8bf97f6973dc99bf6cdc64b5550bd"},
		{"${MISSING|percent:80:-512}", "512"}, // a default is not filtered
		{"${MB|percent:50:-x}", "2048"},
		{"-Xmx${MB|percent:75}m", "-Xmx3072m"},
	}
	for _, tt := range tests {
		got, err := Expand(tt.in, lookupIn(vars))
		if err != nil || got != tt.want {
			t.Errorf("Expand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	bad := []struct{ in, want string }{
		{"${WORD|add:1}", `cannot compute ${WORD|add:1}: "abc" is not an integer`},
		{"${BIG|add:1}", `cannot compute ${BIG|add:1}: add:1 of 9223372036854775807 is out of range`},
		{"${BIG|mul:2}", `cannot compute ${BIG|mul:2}: mul:2 of 9223372036854775807 is out of range`},
		{"${MB|div:0}", `bad expression at byte 4: filter div:0 divides by zero in ${MB|div:0}`},
		{"${MB|sub}", `bad expression at byte 4: filter "sub" needs a number: write |sub:N in ${MB|sub}`},
		{"${MB|sub:-1}", `bad expression at byte 4: filter "sub" needs a number: write |sub:N in ${MB|sub}`},
		{"${MB|precent:80}", `bad expression at byte 4: unknown filter "precent" in ${MB|precent:80} (known: none, php, json, yaml, shell, xml, url, sha256, add:N, sub:N, mul:N, div:N, percent:N, min:N, max:N)`},
		{"${MB|sha256:1}", `bad expression at byte 4: filter "sha256" takes no :1 in ${MB|sha256:1}`},
		{"${MB|url:+x}", `bad expression at byte 0: ${MB|...:+...}: a filter has no use before :+, which never writes MB's value (filter inside the word instead)`},
	}
	for _, tt := range bad {
		got, err := Expand(tt.in, lookupIn(vars))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Expand(%q) = %q, %v;\nwant error %s", tt.in, got, err, tt.want)
		}
	}
}

// TestFiltersAsTools checks the filters against independent
// implementations: sha256sum for the digest, sh's $(( )) for the
// arithmetic (on values where truncation and rounding down agree).
func TestFiltersAsTools(t *testing.T) {
	sum, err := exec.LookPath("sha256sum")
	if err != nil {
		skip.OrFail(t, "sha256sum is not installed")
	}
	for _, v := range []string{"", "s3cr3t", "p@ss wörd\n", strings.Repeat("x", 1000)} {
		cmd := exec.Command(sum)
		cmd.Stdin = strings.NewReader(v)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		want, _, _ := strings.Cut(string(out), " ")
		if got, err := Expand("${V|sha256}", lookupIn(map[string]string{"V": v})); err != nil || got != want {
			t.Errorf("sha256 of %q = %q, %v; sha256sum says %s", v, got, err, want)
		}
	}
	var src strings.Builder
	limits := []int{1024, 1792, 2048, 4096, 8000, 16384}
	for i, l := range limits {
		fmt.Fprintf(&src, "W%d=$(( (%d - 1024) / 768 ))\nP%d=$(( %d * 80 / 100 ))\n", i, l, i, l)
	}
	var names []string
	for i := range limits {
		names = append(names, "W"+strconv.Itoa(i), "P"+strconv.Itoa(i))
	}
	sh := runShell(t, src.String(), names...)
	for i, l := range limits {
		vars := lookupIn(map[string]string{"L": strconv.Itoa(l)})
		w, err1 := Expand("${L|sub:1024|div:768}", vars)
		p, err2 := Expand("${L|percent:80}", vars)
		if err1 != nil || err2 != nil || w != sh["W"+strconv.Itoa(i)] || p != sh["P"+strconv.Itoa(i)] {
			t.Errorf("limit %d: workers %q %v, 80%% %q %v; sh says %q, %q", l, w, err1, p, err2, sh["W"+strconv.Itoa(i)], sh["P"+strconv.Itoa(i)])
		}
	}
}

// TestSHA256 compares the filter's own SHA-256 with crypto/sha256 at every
// length around the padding's block edges.
func TestSHA256(t *testing.T) {
	t.Parallel()
	msg := make([]byte, 300)
	for i := range msg {
		msg[i] = byte(i*7 + 3)
	}
	for n := 0; n <= len(msg); n++ {
		if got, want := sha256Sum(msg[:n]), sha256.Sum256(msg[:n]); got != want {
			t.Fatalf("length %d: %x, crypto/sha256 says %x", n, got, want)
		}
	}
}
