// Package didyoumean finds the known name a misspelt one was probably meant
// to be, for "did you mean" hints in configuration and policy errors.
package didyoumean

import "strings"

// Nearest is the known name closest to name by edit distance (compared in
// lower case), when at most maxDistance edits away; "" otherwise. Ties go
// to the first in known.
func Nearest(name string, known []string, maxDistance int) string {
	best, bestDist := "", maxDistance+1
	lower := strings.ToLower(name)
	for _, k := range known {
		if d := distance(lower, strings.ToLower(k)); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
