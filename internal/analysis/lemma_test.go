package analysis

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLemmaFilterAdmitsEveryWordARuleNeeds checks the filter's promise: a
// word it passes over has no lemma a rule needs and begins no phrase. The
// words are those of the development corpus, the fixtures and the rules,
// with the usual inflections of every rule word added.
func TestLemmaFilterAdmitsEveryWordARuleNeeds(t *testing.T) {
	cfg := defaultConfig(t)
	m := newLanguageMatcher(cfg.Rules)
	needed := map[string]bool{}
	words := map[string]bool{"dying": true, "lying": true, "tying": true, "cried": true, "cries": true, "skies": true, "its": true}
	for _, r := range m.rules {
		for _, ws := range append(append([][]string{}, r.phrases...), r.near...) {
			for _, w := range ws {
				needed[lemmaOfWord(w)] = true
			}
		}
		for w := range r.followedBy {
			needed[w] = true
		}
		for w := range r.precededBy {
			needed[w] = true
		}
	}
	for _, r := range cfg.Rules {
		for _, p := range append(append([]string{}, r.Phrases...), r.Near...) {
			for w := range strings.FieldsSeq(strings.ToLower(p)) {
				w = strings.TrimPrefix(w, "=")
				for _, suf := range []string{"", "s", "es", "ed", "d", "ing", "er", "ers", "ly", "ies", "ied", "'s"} {
					words[w+suf] = true
					if strings.HasSuffix(w, "e") || strings.HasSuffix(w, "y") {
						words[w[:len(w)-1]+suf] = true
					}
				}
			}
		}
	}
	for form, base := range irregularForms {
		words[form], words[base] = true, true
	}
	var texts []string
	for _, pattern := range []string{"testdata/judgement/dev.tsv", "testdata/*.md", "testdata/structures/*.md", "testdata/corpus.tsv"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			texts = append(texts, string(b))
		}
	}
	texts = append(texts, string(largePostmortem(64<<10)))
	for _, text := range texts {
		for _, tok := range tokenize(text) {
			words[tok.key] = true
		}
	}
	checked := 0
	for w := range words {
		if w == "" {
			continue
		}
		key, _ := wordKey(w)
		if key == "" {
			continue
		}
		if needed[lemmaOf(key)] {
			checked++
			if !m.filter.has(key) {
				t.Errorf("the filter passes over %q, whose lemma %q a rule needs", key, lemmaOf(key))
			}
		}
		if len(m.entry(key).refs) > 0 && !m.first.has(key) {
			t.Errorf("the first-word filter passes over %q, which begins a phrase", key)
		}
	}
	if checked < 500 {
		t.Fatalf("only %d words with a needed lemma were checked", checked)
	}
	// The filter must also pass over most words: "the", "and" need no lookup.
	for _, w := range []string{"the", "and", "of", "queue"} {
		if m.first.has(w) {
			t.Errorf("the first-word filter admits %q, which begins no phrase", w)
		}
	}
}
