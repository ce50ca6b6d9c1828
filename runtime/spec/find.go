package spec

import (
	"fmt"
	"strings"
)

// defaultPaths are where Find looks when neither --config nor
// $APPSTART_CONFIG names a spec: the package's own files first, then the
// app's code.
var defaultPaths = []string{"/app/pkg/appstart.toml", "/app/code/appstart.toml"}

// Find returns the spec to load: flag (--config) if set, else
// $APPSTART_CONFIG if set, else the first of /app/pkg/appstart.toml and /app/code/appstart.toml that exists. An
// explicit choice that does not exist is an error rather than a fall
// through, so a typo in --config never loads some other spec.
//
//	path, err := spec.Find("", os.Getenv, func(p string) bool { _, err := os.Stat(p); return err == nil })
//	// "/app/pkg/appstart.toml", or an error naming every place looked at
func Find(flag string, getenv func(string) string, exists func(string) bool) (string, error) {
	if flag != "" {
		if !exists(flag) {
			return "", fmt.Errorf("cannot find spec: --config %s does not exist", flag)
		}
		return flag, nil
	}
	if env := getenv("APPSTART_CONFIG"); env != "" {
		if !exists(env) {
			return "", fmt.Errorf("cannot find spec: APPSTART_CONFIG=%s does not exist", env)
		}
		return env, nil
	}
	for _, p := range defaultPaths {
		if exists(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("cannot find spec: looked at --config (not given), $APPSTART_CONFIG (not set), %s: write one there or pass --config FILE",
		strings.Join(defaultPaths, ", "))
}
