package convert

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"appstart/runtime/spec"
)

const translations = "../../testdata/translations"

var (
	stepsLine  = regexp.MustCompile(`(?m)^- Steps: (\d+) \((\d+) declarative, (\d+) shell\)$`)
	commitLine = regexp.MustCompile(`(?m)^- Commit: [0-9a-f]{40}\b`)
	repoLine   = regexp.MustCompile(`(?m)^- Repository: [\w.-]+/[\w.-]+$`)
)

// Issue 15's "done means": the translations of real start scripts load as
// `appstart check --spec-only` loads them (with the manifest beside the
// spec), each names where its original is, and its step counts agree with
// its own table and with GUIDE.md's.
func TestTranslations(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(translations, "*", "appstart.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 6 {
		t.Fatalf("%d translations, want at least 6", len(dirs))
	}
	guide, err := os.ReadFile("GUIDE.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range dirs {
		dir := filepath.Dir(path)
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			if _, err := spec.Load(path); err != nil {
				t.Fatalf("appstart check --spec-only would refuse it:\n%v", err)
			}
			src, err := os.ReadFile(filepath.Join(dir, "SOURCE.md"))
			if err != nil {
				t.Fatal(err)
			}
			text := string(src)
			if !repoLine.MatchString(text) || !commitLine.MatchString(text) {
				t.Errorf("SOURCE.md must name the repository and the 40-digit commit")
			}
			m := stepsLine.FindStringSubmatch(text)
			if m == nil {
				t.Fatalf("SOURCE.md has no \"- Steps: N (D declarative, S shell)\" line")
			}
			rows, decl, shell := 0, 0, 0
			for _, l := range strings.Split(text, "\n") {
				if !regexp.MustCompile(`^\| \d+ \|`).MatchString(l) {
					continue
				}
				rows++
				switch {
				case strings.Contains(l, "| **shell** |"):
					shell++
				case strings.Contains(l, "| declarative |"):
					decl++
				default:
					t.Errorf("row without a kind: %s", l)
				}
			}
			if got := fmt.Sprintf("%d %d %d", rows, decl, shell); got != fmt.Sprintf("%s %s %s", m[1], m[2], m[3]) {
				t.Errorf("the table has %s (steps declarative shell), the Steps line says %s %s %s", got, m[1], m[2], m[3])
			}
			row := fmt.Sprintf("| [%s](../../testdata/translations/%s/) | %s | %s | %s |", name, name, m[1], m[2], m[3])
			if !strings.Contains(string(guide), row) {
				t.Errorf("GUIDE.md lacks the row %q", row)
			}
		})
	}
}
