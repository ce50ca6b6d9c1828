package patch

import (
	"slices"
	"testing"
)

func TestSplitLines(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		src  string
		want []line
	}{
		{"", nil},
		{"a", []line{{0, 1, 1}}},
		{"a\n", []line{{0, 1, 2}}},
		{"a\r\nb", []line{{0, 1, 3}, {3, 4, 4}}},
		{"\n\n", []line{{0, 0, 1}, {1, 1, 2}}},
		{bom + "a\n", []line{{3, 4, 5}}},
		{"a\rb\n", []line{{0, 3, 4}}}, // a lone CR is not a line ending
		{"a\r", []line{{0, 1, 2}}},    // but one at the end is half a CRLF
	} {
		if got := splitLines([]byte(c.src)); !slices.Equal(got, c.want) {
			t.Errorf("splitLines(%q) = %v, want %v", c.src, got, c.want)
		}
	}
}

func TestEOLOf(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]string{"": "\n", "a": "\n", "a\nb\r\n": "\n", "a\r\nb\n": "\r\n"} {
		if got := eolOf([]byte(src)); got != want {
			t.Errorf("eolOf(%q) = %q, want %q", src, got, want)
		}
	}
}

func TestInsertLinesKeepsMissingFinalNewline(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ src, want string }{
		{"a", "a\nx\ny"},
		{"a\n", "a\nx\ny\n"},
		{"", "x\ny\n"},
	} {
		sp := insertLines([]byte(c.src), len(c.src), []string{"x", "y"}, "\n")
		if got := string(applySplices([]byte(c.src), []splice{sp})); got != c.want {
			t.Errorf("%q: got %q, want %q", c.src, got, c.want)
		}
	}
}

// A byte order mark stays first and new top lines go after it.
func TestBOMKept(t *testing.T) {
	t.Parallel()
	out, _, err := Apply(INI, "f", []byte(bom+"[s]\na = 1\n"), []KV{{"top", "t"}}, nil)
	if err != nil || string(out) != bom+"top = t\n[s]\na = 1\n" {
		t.Errorf("got %q, %v", out, err)
	}
}
