package analysis

import (
	"regexp"
	"strings"
	"unicode"
)

// heading is one heading of the document.
type heading struct {
	level        int
	text         string
	line         int
	start        int // body offset of the heading's first line
	contentStart int // body offset after the heading
	spec         *SectionSpec
}

// normalizeName lower-cases, turns punctuation into spaces and collapses
// spaces, so "Root Cause(s) / Contributing Factors" ~ "root cause s contributing factors".
func normalizeName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		if r == '\'' || r == '’' {
			continue // "Lesson's" ~ "lessons"
		}
		space = true
	}
	return b.String()
}

// matchSection finds the spec a heading names: exact match on the name or
// an alias, or an alias/name followed by more words ("Root Cause(s) /
// Contributing Factors").
func matchSection(specs []SectionSpec, headingText string) *SectionSpec {
	h := normalizeName(headingText)
	if h == "" {
		return nil
	}
	for i := range specs {
		for _, n := range specNames(&specs[i]) {
			if h == n {
				return &specs[i]
			}
		}
	}
	for i := range specs {
		for _, n := range specNames(&specs[i]) {
			if n != "" && strings.HasPrefix(h, n+" ") {
				return &specs[i]
			}
		}
	}
	return nil
}

func specNames(s *SectionSpec) []string {
	out := make([]string, 0, len(s.Aliases)+1)
	out = append(out, normalizeName(s.Name))
	for _, a := range s.Aliases {
		out = append(out, normalizeName(a))
	}
	return out
}

var (
	commentRE  = regexp.MustCompile(`(?s)<!--.*?-->`)
	timeRE     = regexp.MustCompile(`\b(?:[01]?\d|2[0-3]):[0-5]\d\b|\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?`)
	angleHole  = regexp.MustCompile(`^<[^<>]*\s[^<>]*>$`)
	unfilledRE = regexp.MustCompile(`^(?:todo|tbd|tbc|fixme|xxx|placeholder|fill in|fill me in)(?: .*)?$`)
)

// contentState says whether a section's text is real content.
type contentState int

const (
	contentFilled contentState = iota
	contentEmpty
	contentPlaceholder
)

// sectionContent judges a section's raw Markdown. Comments do not count;
// code blocks and quotes do.
func sectionContent(raw string, placeholders map[string]bool) contentState {
	raw = commentRE.ReplaceAllString(raw, " ")
	if normalizeName(raw) == "" {
		return contentEmpty
	}
	if placeholders[normalizeName(raw)] {
		return contentPlaceholder
	}
	for _, line := range strings.Split(raw, "\n") {
		t := strings.TrimSpace(line)
		n := normalizeName(t)
		if n == "" {
			continue
		}
		if placeholders[n] || unfilledRE.MatchString(n) || angleHole.MatchString(t) {
			continue
		}
		// A prompt wrapped over lines is checked as a paragraph too.
		if paragraphIsPlaceholder(raw, placeholders) {
			return contentPlaceholder
		}
		return contentFilled
	}
	return contentPlaceholder
}

func paragraphIsPlaceholder(raw string, placeholders map[string]bool) bool {
	for _, p := range strings.Split(raw, "\n\n") {
		n := normalizeName(p)
		if n != "" && !placeholders[n] && !unfilledRE.MatchString(n) {
			return false
		}
	}
	return true
}

func hasTimestamp(raw string) bool {
	return timeRE.MatchString(commentRE.ReplaceAllString(raw, " "))
}
