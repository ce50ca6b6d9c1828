package cgroup

import "strconv"

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
