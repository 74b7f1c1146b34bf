package analysis

import (
	"bytes"
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
	key, specKey string // normalised heading text and spec name
}

// normalizeName lower-cases, turns punctuation into spaces and collapses
// spaces, so "Root Cause(s) / Contributing Factors" ~ "root cause s contributing factors".
func normalizeName(s string) string {
	if isNormalName(s) {
		return s
	}
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

// isNormalName reports whether normalizeName(s) == s: lower-case ASCII
// words of letters and digits joined by single spaces.
func isNormalName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == ' ' && i > 0 && i < len(s)-1 && s[i-1] != ' ':
		default:
			return false
		}
	}
	return true
}

// matchSection finds the spec a heading names: exact match on the name or
// an alias, or an alias/name followed by more words ("Root Cause(s) /
// Contributing Factors").
func matchSection(specs []SectionSpec, headingText string) *SectionSpec {
	return newSectionMatcher(specs).match(headingText)
}

// sectionMatcher holds the normalised names of each spec.
type sectionMatcher struct {
	specs []SectionSpec
	names [][]string
}

func newSectionMatcher(specs []SectionSpec) *sectionMatcher {
	m := &sectionMatcher{specs: specs, names: make([][]string, len(specs))}
	for i := range specs {
		m.names[i] = specNames(&specs[i])
	}
	return m
}

func (m *sectionMatcher) match(headingText string) *SectionSpec {
	spec, _ := m.matchKey(normalizeName(headingText))
	return spec
}

// matchKey is match for an already normalised heading h; it also returns
// the spec's normalised name.
func (m *sectionMatcher) matchKey(h string) (*SectionSpec, string) {
	specs := m.specs
	if h == "" {
		return nil, ""
	}
	for i := range specs {
		for _, n := range m.names[i] {
			if h == n {
				return &specs[i], m.names[i][0]
			}
		}
	}
	for i := range specs {
		for _, n := range m.names[i] {
			if n != "" && len(h) > len(n) && h[len(n)] == ' ' && strings.HasPrefix(h, n) {
				return &specs[i], m.names[i][0]
			}
		}
	}
	return nil, ""
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

// placeholderScanLimit bounds the placeholder checks: template prompts are
// short, so a longer section is judged filled without normalising it all.
const placeholderScanLimit = 4096

// sectionContent judges a section's raw Markdown. Comments do not count;
// code blocks and quotes do. raw is read, never kept or changed.
func sectionContent(raw []byte, placeholders map[string]bool) contentState {
	raw = stripComments(raw)
	if !hasWord(raw) {
		return contentEmpty
	}
	if len(raw) > placeholderScanLimit {
		return contentFilled
	}
	text := string(raw)
	if placeholders[normalizeName(text)] || paragraphsArePlaceholders(text, "\n\n", placeholders) || paragraphsArePlaceholders(text, "\n", placeholders) {
		return contentPlaceholder
	}
	return contentFilled
}

// paragraphsArePlaceholders reports whether every non-empty part of raw,
// split by sep, is a prompt, a TODO-like marker or an <angle prompt>.
func paragraphsArePlaceholders(raw, sep string, placeholders map[string]bool) bool {
	for _, p := range strings.Split(raw, sep) {
		t := strings.TrimSpace(p)
		n := normalizeName(t)
		if n == "" || placeholders[n] || unfilledRE.MatchString(n) || angleHole.MatchString(t) {
			continue
		}
		return false
	}
	return true
}

func hasWord(s []byte) bool {
	return bytes.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}

var commentOpen, commentClose = []byte("<!--"), []byte("-->")

// stripComments blanks HTML comments; an unclosed one runs to the end. It
// returns s itself when there is no comment.
func stripComments(s []byte) []byte {
	if !bytes.Contains(s, commentOpen) {
		return s
	}
	var b []byte
	for {
		i := bytes.Index(s, commentOpen)
		if i < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		b = append(b, ' ')
		j := bytes.Index(s[i+4:], commentClose)
		if j < 0 {
			return b
		}
		s = s[i+4+j+3:]
	}
}

func hasTimestamp(raw []byte) bool {
	return timeRE.Match(stripComments(raw))
}
