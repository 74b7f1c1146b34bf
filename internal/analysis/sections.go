package analysis

import (
	"bytes"
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
)

// heading is one heading of the document.
type heading struct {
	level        int
	text         string
	line         int
	start        int // body offset of the heading's first line
	contentStart int // body offset after the heading
	// specs are the sections the heading satisfies, best first (indexes
	// into the analysis' section list); specKeys are their normalised names.
	specs    []int
	specKeys []string
	key      string // normalised heading text
	// node is the heading, or what stands for one (label): the paragraph a
	// label opens ("**Impact**: …", "User impact: …"), the bold or text
	// node of a label opening a later line, or a follow-up table.
	node  ast.Node
	label bool
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

// matchSection finds the first spec a heading names (see matchKeys).
func matchSection(specs []SectionSpec, headingText string) *SectionSpec {
	m := newSectionMatcher(specs)
	if idx := m.matchKeys(normalizeName(headingText)); len(idx) > 0 {
		return &specs[idx[0]]
	}
	return nil
}

// sectionMatcher holds each spec's names as lemma sequences.
type sectionMatcher struct {
	specs []SectionSpec
	keys  []string     // each spec's normalised name
	names [][][]string // per spec: name and aliases, as lemmas of their words
}

func newSectionMatcher(specs []SectionSpec) *sectionMatcher {
	m := &sectionMatcher{specs: specs, keys: make([]string, len(specs)), names: make([][][]string, len(specs))}
	for i := range specs {
		m.keys[i] = normalizeName(specs[i].Name)
		for _, n := range specNames(&specs[i]) {
			if words := headingLemmas(n); len(words) > 0 {
				m.names[i] = append(m.names[i], words)
			}
		}
	}
	return m
}

// headingLemmas splits a normalised heading into words with plurals folded
// ("Causes" ~ "cause"). Headings are short and exact: no deeper stemming,
// so "Impactful" does not name Impact.
func headingLemmas(normalized string) []string {
	var out []string
	for w := range strings.FieldsSeq(normalized) {
		if headingIntensifiers[w] {
			continue // "What was actually happening" names what "What was happening" names
		}
		out = append(out, singular(w))
	}
	return out
}

// headingIntensifiers change nothing in what a heading names.
var headingIntensifiers = setOf("actually", "really", "exactly", "truly", "precisely")

// singular folds a plural heading word: "causes" ~ "cause", "fixes" ~
// "fix", "processes" ~ "process", "summaries" ~ "summary".
func singular(w string) string {
	switch {
	case len(w) <= 3 || !strings.HasSuffix(w, "s") || strings.HasSuffix(w, "ss"):
		return w
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "shes"):
		return w[:len(w)-2]
	}
	return w[:len(w)-1]
}

// matchKeys returns the specs a normalised heading satisfies, best first:
// a heading names a section when its words contain the section's name or
// an alias as a word sequence, in any inflection ("Customer Impact", "What
// caused it?", "Recovery and Takeaways" names two sections). The spec
// whose name or alias starts earliest in the heading comes first; an exact
// heading wins outright.
func (m *sectionMatcher) matchKeys(h string) []int {
	if h == "" {
		return nil
	}
	words := headingLemmas(h)
	type hit struct{ spec, at, exact int }
	var hits []hit
	for i := range m.specs {
		best := -1
		exact := 1
		for _, n := range m.names[i] {
			if at := indexWords(words, n); at >= 0 && (best < 0 || at < best || len(n) == len(words)) {
				best = at
				if len(n) == len(words) {
					exact = 0
				}
			}
		}
		if best >= 0 {
			hits = append(hits, hit{i, best, exact})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		if c := cmp.Compare(a.exact, b.exact); c != 0 {
			return c
		}
		return cmp.Compare(a.at, b.at)
	})
	out := make([]int, len(hits))
	for k, h := range hits {
		out[k] = h.spec
	}
	return out
}

// endingKeys returns the specs whose name or an alias ends the normalised
// text h, word for word: a plain-text label names a section when it ends
// with the section's name ("User impact", "Trigger"), not when the name
// is one word of a phrase ("Impact on revenue was small").
func (m *sectionMatcher) endingKeys(h string) []int {
	words := headingLemmas(h)
	var out []int
	for i := range m.specs {
		for _, n := range m.names[i] {
			if len(n) <= len(words) && slices.Equal(words[len(words)-len(n):], n) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// indexWords returns where seq occurs in words, or -1.
func indexWords(words, seq []string) int {
	for i := 0; i+len(seq) <= len(words); i++ {
		if slices.Equal(words[i:i+len(seq)], seq) {
			return i
		}
	}
	return -1
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
	// timeRE finds a time or a date as timelines write them: 09:41,
	// 2026-03-04, 03/04/2026 or 1/29/24, "August 15" or "15 Aug", 4pm.
	timeRE = regexp.MustCompile(`\b(?:[01]?\d|2[0-3]):[0-5]\d\b|\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?` +
		`|\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b|\b\d{1,2}\s?(?:[ap]\.?m\.?)(?:\s|$|[,;)])` +
		`|(?i:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b` +
		`|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b)`)
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
