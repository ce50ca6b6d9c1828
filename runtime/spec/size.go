package spec

import (
	"errors"
	"fmt"

	"appstart/runtime/cgroup"
)

// ParseSize reads a size as written in appstart.toml (cgroup.ParseSize: a
// decimal number with an optional unit K, M, G or T, powers of 1024, any
// case, each optionally followed by "B" or "iB"; a bare number is bytes; a
// fraction rounds down), worded for the spec's author.
//
//	ParseSize("150M")  // 157286400
//	ParseSize("1.5g")  // 1610612736
func ParseSize(s string) (int64, error) {
	n, err := cgroup.ParseSize(s)
	switch {
	case err == nil:
		return n, nil
	case errors.Is(err, cgroup.ErrUnit):
		return 0, fmt.Errorf(`unknown unit in %q: write a number with K, M, G or T, such as "150M"`, s)
	case errors.Is(err, cgroup.ErrTooLarge):
		return 0, fmt.Errorf("%q is too large", s)
	default:
		return 0, fmt.Errorf(`cannot read %q as a size: write a number with K, M, G or T, such as "150M"`, s)
	}
}

func convSize(v any) (any, string) {
	var n int64
	switch s := v.(type) {
	case int64:
		n = s
	case string:
		var err error
		if n, err = ParseSize(s); err != nil {
			return nil, err.Error()
		}
	default:
		return nil, want(`a size such as "150M"`, v)
	}
	if n <= 0 {
		return nil, fmt.Sprintf(`must be more than 0 bytes: write a size such as "150M"`)
	}
	return n, ""
}
