package related

import (
	"strings"
	"unicode"
)

// maxTextBytes bounds the text read from one incident: issue bodies and
// postmortems are untrusted and may be huge.
const maxTextBytes = 64 << 10

// stopwords are words too common in incident reports to tell two apart.
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a about after again all also an and any are as at be because been before
		but by can could did do does down during each every for from had has have how if in into is it its
		it's no not of off on once one only or other our out over same so some still than that the their
		them then there these they this those through to too until up us was we were what when where which
		while who why will with without would you your incident outage failed failure error errors issue
		minutes hours hour minute time users user customers customer every all new old`) {
		stopwords[w] = true
	}
}

// Terms splits text into lower-case word stems without stopwords, counted.
func Terms(text string) map[string]int {
	if len(text) > maxTextBytes {
		text = text[:maxTextBytes]
	}
	out := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if len(w) < 3 || stopwords[w] || isNumber(w) {
			continue
		}
		out[stem(w)]++
	}
	return out
}

func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// stem folds the commonest English endings, so "expired" meets "expiry"
// and "retries" meets "retry": crude, and enough for short reports.
func stem(w string) string {
	for _, suf := range []string{"ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s", "y", "e"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}
