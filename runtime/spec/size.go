package spec

import (
	"fmt"
	"math/big"
	"strings"
)

// sizeUnits are powers of 1024, as Docker's --memory and the cgroup
// package read them.
var sizeUnits = map[string]int64{"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}

// ParseSize reads a size as written in appstart.toml: a decimal number with
// an optional unit K, M, G or T (powers of 1024, any case), each optionally
// followed by "B" or "iB"; a bare number is bytes; a fraction rounds down.
//
//	ParseSize("150M")  // 157286400
//	ParseSize("1.5g")  // 1610612736
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.') })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	}
	unit = strings.TrimSuffix(strings.TrimSuffix(unit, "ib"), "b")
	if len(unit) > 1 || (unit == "" && i >= 0 && strings.Trim(strings.ToLower(t[i:]), " ib") != "") {
		unit = "?"
	}
	mult, ok := sizeUnits[unit]
	if !ok {
		return 0, fmt.Errorf(`unknown unit in %q: write a number with K, M, G or T, such as "150M"`, s)
	}
	r, ok := new(big.Rat).SetString(num)
	if num == "" || !ok || strings.HasPrefix(num, ".") || strings.HasSuffix(num, ".") {
		return 0, fmt.Errorf(`cannot read %q as a size: write a number with K, M, G or T, such as "150M"`, s)
	}
	r.Mul(r, new(big.Rat).SetInt64(mult))
	n := new(big.Int).Quo(r.Num(), r.Denom())
	if !n.IsInt64() {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return n.Int64(), nil
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
