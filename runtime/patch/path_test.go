package patch

import (
	"slices"
	"testing"
)

func TestSplitPath(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		key  string
		want []string
	}{
		{"a", []string{"a"}},
		{"a.b.c", []string{"a", "b", "c"}},
		{`smtp\.host`, []string{"smtp.host"}},
		{`a\\.b`, []string{`a\`, "b"}},
		{`a\b`, []string{`a\b`}},
		{"a..b", nil},
		{".a", nil},
		{"a.", nil},
		{"", nil},
	} {
		got, err := splitPath(c.key)
		if !slices.Equal(got, c.want) || (err != nil) != (c.want == nil) {
			t.Errorf("splitPath(%q) = %q, %v; want %q", c.key, got, err, c.want)
		}
		if err == nil {
			if back, _ := splitPath(joinPath(got)); !slices.Equal(back, got) {
				t.Errorf("joinPath(%q) does not split back: %q", got, back)
			}
		}
	}
}
