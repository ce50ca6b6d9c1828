package spec

import (
	"fmt"
	"strings"
)

// nearest returns the candidate closest to s by edit distance (ignoring
// case), if it is close enough to be a likely typo: at most 2 edits, or a
// third of s's length for longer words; or a key that s abbreviates.
//
//	nearest("comand", []string{"command", "directory"}) == "command"
func nearest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	ls := strings.ToLower(s)
	if len(ls) >= 4 { // a shortened key: "stopwait" for "stopwaitsecs"
		for _, c := range candidates {
			if strings.HasPrefix(strings.ToLower(c), ls) {
				return c
			}
		}
	}
	for _, c := range candidates {
		if d := editDistance(ls, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= max(2, len(s)/3) && bestD < len(s) {
		return best
	}
	return ""
}

// didYouMean is `, did you mean "x"?` or "".
func didYouMean(s string, candidates []string) string {
	if n := nearest(s, candidates); n != "" {
		return fmt.Sprintf(", did you mean %q?", n)
	}
	return ""
}

// suggestOr is the nearest candidate quoted, else fallback.
func suggestOr(s string, candidates []string, fallback string) string {
	if n := nearest(s, candidates); n != "" {
		return fmt.Sprintf("%q", n)
	}
	return fallback
}

// editDistance is the Levenshtein distance, with a transposition counting
// as one edit (Damerau's optimal string alignment): "comamnd" is one typo.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
