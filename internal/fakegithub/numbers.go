package fakegithub

import (
	"regexp"
	"sort"
	"strconv"
)

func sortStrings(s []string) { sort.Strings(s) }

var closingPattern = regexp.MustCompile(`(?i)\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s+#(\d+)\b`)

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
