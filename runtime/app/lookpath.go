package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"appstart/runtime/proc"
)

// mergeEnv returns base with over's KEY=VAL entries replacing or adding.
func mergeEnv(base, over []string) []string {
	out := make([]string, 0, len(base)+len(over))
	set := map[string]bool{}
	for _, kv := range over {
		k, _, _ := strings.Cut(kv, "=")
		set[k] = true
	}
	for _, kv := range base {
		if k, _, _ := strings.Cut(kv, "="); !set[k] {
			out = append(out, kv)
		}
	}
	return append(out, over...)
}

// LookPath finds name in the PATH of env, as execvp(3) does (PATH unset:
// proc.DefaultPath): exec-as's search, the one task and check make.
func LookPath(name string, env []string) (string, error) { return lookPath(name, env) }

func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	path := getenvFrom(env)("PATH")
	if path == "" {
		path = proc.DefaultPath
	}
	for _, dir := range filepath.SplitList(path) {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not found in PATH %s", name, path)
}
