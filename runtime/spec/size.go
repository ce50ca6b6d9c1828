package spec

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"sync"
)

// ParseSize reads a size as written in appstart.toml: a decimal number with
// an optional unit K, M, G or T (powers of 1024), each optionally followed
// by "B" or "iB", in either case, after optional blanks (Docker's --memory
// takes "150 M" too). A bare number or a "B" suffix is bytes; a fraction is
// rounded down to whole bytes, in integer arithmetic.
//
//	ParseSize("150M")  // 157286400
//	ParseSize("1.5g")  // 1610612736
//	ParseSize("0.1K")  // 102
func ParseSize(s string) (int64, error) {
	n, err := parseSize(strings.TrimSpace(s))
	switch {
	case err == nil:
		return n, nil
	case errors.Is(err, errSizeUnit):
		return 0, fmt.Errorf(`unknown unit in %q: write a number with K, M, G or T, such as "150M"`, s)
	case errors.Is(err, errSizeTooLarge):
		return 0, fmt.Errorf("%q is too large", s)
	default:
		return 0, fmt.Errorf(`cannot read %q as a size: write a number with K, M, G or T, such as "150M"`, s)
	}
}

var (
	errSizeNumber   = errors.New("no number")
	errSizeUnit     = errors.New("unknown unit")
	errSizeTooLarge = errors.New("too large")
)

func parseSize(s string) (int64, error) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num, unit := s[:i], strings.TrimLeft(s[i:], " \t")
	if num == "" {
		return 0, errSizeNumber
	}
	mult, err := unitMultiplier(unit)
	if err != nil {
		return 0, err
	}
	whole, frac, hasFrac := strings.Cut(num, ".")
	if whole == "" || (hasFrac && frac == "") || strings.Contains(frac, ".") {
		return 0, errSizeNumber
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt64/mult {
		return 0, errSizeTooLarge
	}
	n := w * mult
	if hasFrac {
		// frac/10^k of mult, rounded down, with a 128-bit product
		// (rem*mult can exceed int64; the quotient is below mult, so it
		// fits). Digits past the 18th cannot move a size by a byte.
		rem, scale := uint64(0), uint64(1)
		for j := 0; j < len(frac) && scale < 1e18; j++ {
			rem = rem*10 + uint64(frac[j]-'0')
			scale *= 10
		}
		hi, lo := bits.Mul64(rem, uint64(mult))
		q, _ := bits.Div64(hi, lo, scale)
		if n > math.MaxInt64-int64(q) {
			return 0, errSizeTooLarge
		}
		n += int64(q)
	}
	return n, nil
}

// unitShift is each unit's power of two: powers of 1024, as Docker's
// --memory and the cgroup files count.
// Built on first use: only a size needs it.
var unitShift = sync.OnceValue(func() map[string]uint {
	return map[string]uint{"": 0, "B": 0, "K": 10, "M": 20, "G": 30, "T": 40}
})

// unitMultiplier reads K, M, G or T, each with an optional B or iB, or
// nothing or B alone for bytes.
func unitMultiplier(unit string) (int64, error) {
	u := strings.ToUpper(unit)
	base, rest := u, ""
	if u != "" {
		base, rest = u[:1], u[1:]
	}
	sh, ok := unitShift()[base]
	switch {
	case !ok:
		return 0, errSizeUnit
	case base == "" || base == "B":
		if rest != "" {
			return 0, errSizeUnit
		}
	case rest != "" && rest != "B" && rest != "IB":
		return 0, errSizeUnit
	}
	return 1 << sh, nil
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
		return nil, `must be more than 0 bytes: write a size such as "150M"`
	}
	return n, ""
}
