package cgroup

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// ParseSize reads a size as written in appstart.toml: a decimal number with
// an optional unit K, M, G or T (powers of 1024), each optionally followed
// by "B" or "iB", in either case, after optional blanks (Docker's --memory
// takes "150 M" too). A bare number or a "B" suffix is bytes. A fraction is
// allowed and rounded down to whole bytes. Errors wrap ErrNoNumber,
// ErrUnit or ErrTooLarge.
//
//	ParseSize("150M")   // 157286400
//	ParseSize("2GiB")   // 2147483648
//	ParseSize("1.5g")   // 1610612736
//	ParseSize("4096")   // 4096
//	ParseSize("150Q")   // error: cannot parse size "150Q": unknown unit "Q" (want K, M, G or T, with optional B or iB)
//
// The kinds of error ParseSize returns, for callers that word their own.
var (
	ErrNoNumber = errors.New("no number")
	ErrUnit     = errors.New("unknown unit")
	ErrTooLarge = errors.New("too large")
)

func ParseSize(s string) (int64, error) {
	n, err := parseSize(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("cannot parse size %q: %w", s, err)
	}
	return n, nil
}

func parseSize(s string) (int64, error) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num, unit := s[:i], strings.TrimLeft(s[i:], " \t")
	if num == "" {
		return 0, ErrNoNumber
	}
	mult, err := unitMultiplier(unit)
	if err != nil {
		return 0, err
	}
	whole, frac, hasFrac := strings.Cut(num, ".")
	if whole == "" || (hasFrac && frac == "") || strings.Contains(frac, ".") {
		return 0, fmt.Errorf("%w: malformed number %q", ErrNoNumber, num)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is %w", num, ErrTooLarge)
	}
	n := w * mult
	if hasFrac {
		// Integer arithmetic, so "0.1K" is exactly 102 bytes: frac/10^k
		// of mult, rounded down, with a 128-bit product (rem*mult can
		// exceed int64; the quotient is below mult, so it fits).
		rem, scale := uint64(0), uint64(1)
		for j := 0; j < len(frac) && scale < 1e18; j++ {
			rem = rem*10 + uint64(frac[j]-'0')
			scale *= 10
		}
		hi, lo := bits.Mul64(rem, uint64(mult))
		q, _ := bits.Div64(hi, lo, scale)
		if n > math.MaxInt64-int64(q) {
			return 0, fmt.Errorf("%q is %w", num, ErrTooLarge)
		}
		n += int64(q)
	}
	return n, nil
}

func unitMultiplier(unit string) (int64, error) {
	u := strings.ToUpper(unit)
	base, rest := u, ""
	if u != "" {
		base, rest = u[:1], u[1:]
	}
	var shift uint
	switch base {
	case "", "B":
		if rest != "" || (base == "" && unit != "") {
			return 0, fmt.Errorf("%w %q (want K, M, G or T, with optional B or iB)", ErrUnit, unit)
		}
		return 1, nil
	case "K":
		shift = 10
	case "M":
		shift = 20
	case "G":
		shift = 30
	case "T":
		shift = 40
	default:
		return 0, fmt.Errorf("%w %q (want K, M, G or T, with optional B or iB)", ErrUnit, unit)
	}
	if rest != "" && rest != "B" && rest != "IB" {
		return 0, fmt.Errorf("%w %q (want K, M, G or T, with optional B or iB)", ErrUnit, unit)
	}
	return 1 << shift, nil
}

// FormatSize writes n bytes the way the start-up summary shows them: the
// largest binary unit that divides n exactly, else MiB with one decimal.
//
//	FormatSize(536870912) // "512MiB"
//	FormatSize(2<<30)     // "2GiB"
//	FormatSize(1000)      // "1000B"
func FormatSize(n int64) string {
	units := []struct {
		shift uint
		name  string
	}{{40, "TiB"}, {30, "GiB"}, {20, "MiB"}, {10, "KiB"}}
	for _, u := range units {
		if n != 0 && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.name
		}
	}
	if n >= 1<<20 {
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + "MiB"
	}
	return strconv.FormatInt(n, 10) + "B"
}
