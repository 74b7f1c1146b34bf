package analysis

import "strings"

// languageMatcher runs the compiled language rules over sentences.
type languageMatcher struct {
	rules    []*compiledRule
	index    map[string][]phraseRef // first word → phrases starting with it
	patterns []*compiledRule
	lastEnd  []int // per rule: end of its last match in the current sentence
	toks     []token
	keys     wordKeys // word keys met so far, reused across sentences
	// starts marks, by first byte, the lengths of the phrases' first words
	// (bit min(len, 63)): a word with an unmarked first byte and length
	// begins no phrase, and is passed over without a map lookup.
	starts [256]uint64
}

type phraseRef struct {
	rule  *compiledRule
	words []string
}

func newLanguageMatcher(rules []Rule) *languageMatcher {
	m := &languageMatcher{rules: compileRules(rules), index: map[string][]phraseRef{}, keys: wordKeys{}}
	for _, r := range m.rules {
		if r.re != nil {
			m.patterns = append(m.patterns, r)
		}
		for _, words := range r.phrases {
			m.index[words[0]] = append(m.index[words[0]], phraseRef{rule: r, words: words})
			if words[0] != "" {
				m.starts[words[0][0]] |= lengthBit(words[0])
			}
		}
	}
	m.lastEnd = make([]int, len(m.rules))
	return m
}

func lengthBit(w string) uint64 { return 1 << min(len(w), 63) }

// languageHit is one rule match: byte offsets within the sentence.
type languageHit struct {
	rule       *compiledRule
	start, end int
}

// judge returns the rule matches in one sentence of the given section
// (sectionKey is the normalised section name).
func (m *languageMatcher) judge(sentence, sectionKey string, hits []languageHit) []languageHit {
	m.toks = appendTokens(m.toks[:0], sentence, m.keys)
	toks := m.toks
	if len(toks) == 0 {
		return hits
	}
	for i := range m.lastEnd {
		m.lastEnd[i] = -1
	}
	for i := range toks {
		if k := toks[i].key; k != "" && m.starts[k[0]]&lengthBit(k) == 0 {
			continue // no phrase starts with this word
		}
		refs := m.index[toks[i].key]
		for _, ref := range refs {
			end := i + len(ref.words)
			if end > len(toks) || !wordsMatch(toks[i:end], ref.words) {
				continue
			}
			if m.lastEnd[ref.rule.idx] > i || !ref.rule.appliesIn(sectionKey) {
				continue
			}
			if !ref.rule.contextAllows(toks, i, end) {
				continue
			}
			m.lastEnd[ref.rule.idx] = end
			hits = append(hits, languageHit{rule: ref.rule, start: toks[i].start, end: toks[end-1].end})
		}
	}
	for _, r := range m.patterns {
		if !r.appliesIn(sectionKey) || (r.mustContain != "" && !strings.Contains(sentence, r.mustContain)) {
			continue
		}
		for _, loc := range r.re.FindAllStringIndex(sentence, -1) {
			i, end := tokenSpan(toks, loc[0], loc[1])
			if i >= end || !r.contextAllows(toks, i, end) {
				continue
			}
			hits = append(hits, languageHit{rule: r, start: loc[0], end: loc[1]})
		}
	}
	return hits
}

func wordsMatch(toks []token, words []string) bool {
	for k, w := range words {
		if toks[k].key != w {
			return false
		}
		// A clause break inside a phrase ("should, have") is not the phrase.
		if k > 0 && toks[k].breakBefore {
			return false
		}
	}
	return true
}

// tokenSpan returns the tokens overlapping the byte range [from, to).
func tokenSpan(toks []token, from, to int) (int, int) {
	i := 0
	for i < len(toks) && toks[i].end <= from {
		i++
	}
	end := i
	for end < len(toks) && toks[end].start < to {
		end++
	}
	return i, end
}

// contextAllows applies the rule's word exceptions and subject requirement
// to a match covering tokens [i, end).
func (c *compiledRule) contextAllows(toks []token, i, end int) bool {
	if c.followedBy != nil && end < len(toks) && !toks[end].breakBefore && c.followedBy[toks[end].key] {
		return false
	}
	if c.precededBy != nil && i > 0 && !toks[i].breakBefore && c.precededBy[toks[i-1].key] {
		return false
	}
	switch c.subject {
	case SubjectPerson:
		return personSubject(toks, i)
	case SubjectPersonAfter:
		return personAfter(toks, end)
	case SubjectPersonPossessor:
		return personPossessor(toks, i)
	case SubjectPersonInSentence:
		return personInSentence(toks)
	}
	return true
}
