package convert

import (
	"os"
	"strings"
	"testing"
)

// TestGuideConvertOutput: a ```toml block of GUIDE.md that starts as
// convert's output does ("# Converted from NAME by appstart convert.") must
// be exactly what Convert writes for the ```ini block before it, so the
// guide never claims output convert does not produce.
func TestGuideConvertOutput(t *testing.T) {
	data, err := os.ReadFile("GUIDE.md")
	if err != nil {
		t.Fatal(err)
	}
	type block struct {
		lang, text string
		line       int
	}
	var blocks []block
	var cur *block
	for i, l := range strings.Split(string(data), "\n") {
		switch {
		case cur == nil && strings.HasPrefix(l, "```") && len(l) > 3:
			cur = &block{lang: strings.TrimPrefix(l, "```"), line: i + 2}
		case cur != nil && l == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.text += l + "\n"
		}
	}
	checked := 0
	for i, b := range blocks {
		name, ok := strings.CutPrefix(strings.SplitN(b.text, "\n", 2)[0], "# Converted from ")
		if b.lang != "toml" || !ok || !strings.HasSuffix(name, " by appstart convert.") {
			continue
		}
		name = strings.TrimSuffix(name, " by appstart convert.")
		if i == 0 || blocks[i-1].lang != "ini" {
			t.Errorf("GUIDE.md:%d: convert's output with no ```ini block before it", b.line)
			continue
		}
		out, _, err := Convert([]Input{{Name: name, R: strings.NewReader(blocks[i-1].text)}}, Options{Here: "/etc/supervisor/conf.d"})
		if err != nil {
			t.Errorf("GUIDE.md:%d: %v", blocks[i-1].line, err)
			continue
		}
		if string(out) != b.text {
			t.Errorf("GUIDE.md:%d: the guide says convert writes\n%s\nconvert writes\n%s", b.line, b.text, out)
		}
		checked++
	}
	if checked == 0 {
		t.Error("GUIDE.md shows no convert output to check")
	}
}
