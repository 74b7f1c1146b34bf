package analysis

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// The judgement corpus (testdata/judgement) was written before the rules of
// issue #9 and split once into a development part, which rules are tuned on,
// and a test part, which is only measured. See docs/rules.md.

// blameKinds are the corpus labels of blameful sentences, one per rule family.
var blameKinds = []string{
	"person-fault", "human-error", "judgement", "hindsight",
	"minimiser", "person-root-cause", "punitive-action", "passive-omission",
}

type judgedSentence struct {
	kind     string // "blameless" or one of blameKinds
	section  string
	sentence string
	line     int
}

func readJudgementCorpus(t testing.TB, path string) []judgedSentence {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []judgedSentence
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 || (parts[0] != "blameless" && !slices.Contains(blameKinds, parts[0])) {
			t.Fatalf("%s:%d: want label<TAB>section<TAB>sentence with a known label, got %q", path, n, line)
		}
		out = append(out, judgedSentence{kind: parts[0], section: parts[1], sentence: parts[2], line: n})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// corpusDocument places a sentence in its section as an author would: table
// cells go into a table under a header row.
func corpusDocument(s judgedSentence) string {
	body := s.sentence
	if strings.HasPrefix(body, "|") {
		cols := strings.Count(strings.TrimSuffix(strings.TrimSpace(body), "|"), "|")
		body = strings.Repeat("| col ", cols) + "|\n" + strings.Repeat("|---", cols) + "|\n" + body
	}
	return "## " + s.section + "\n\n" + body + "\n"
}

type kindScore struct{ total, flagged int }

type corpusScore struct {
	kinds             map[string]*kindScore
	blameful, caught  int
	blameless, alarms int
	misses, falseHits []string
}

func (s corpusScore) recall() float64     { return float64(s.caught) / float64(max(s.blameful, 1)) }
func (s corpusScore) falseAlarm() float64 { return float64(s.alarms) / float64(max(s.blameless, 1)) }

// scoreCorpus runs the language rules of cfg on every sentence; a sentence
// counts as flagged when any language finding is reported on it.
func scoreCorpus(t testing.TB, path string, cfg Config) corpusScore {
	languageRule := map[string]bool{}
	for _, r := range cfg.Rules {
		languageRule[r.ID] = true
	}
	sc := corpusScore{kinds: map[string]*kindScore{}}
	for _, k := range append([]string{"blameless"}, blameKinds...) {
		sc.kinds[k] = &kindScore{}
	}
	for _, s := range readJudgementCorpus(t, path) {
		res := Analyze("corpus.md", []byte(corpusDocument(s)), cfg)
		var hit *Finding
		for i := range res.Findings {
			if languageRule[res.Findings[i].Rule] {
				hit = &res.Findings[i]
				break
			}
		}
		k := sc.kinds[s.kind]
		k.total++
		if hit != nil {
			k.flagged++
		}
		switch {
		case s.kind != "blameless":
			sc.blameful++
			if hit != nil {
				sc.caught++
			} else {
				sc.misses = append(sc.misses, fmt.Sprintf("missed %s:%d [%s] %s: %s", path, s.line, s.kind, s.section, s.sentence))
			}
		default:
			sc.blameless++
			if hit != nil {
				sc.alarms++
				sc.falseHits = append(sc.falseHits, fmt.Sprintf("false  %s:%d [%s] %s -> %s %q", path, s.line, s.section, s.sentence, hit.Rule, hit.Message))
			}
		}
	}
	return sc
}

func (s corpusScore) report(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d sentences; recall %.3f (%d/%d blameful), false-alarm rate %.3f (%d/%d blameless)\n",
		name, s.blameful+s.blameless, s.recall(), s.caught, s.blameful, s.falseAlarm(), s.alarms, s.blameless)
	for _, k := range blameKinds {
		ks := s.kinds[k]
		fmt.Fprintf(&b, "  %-18s recall %.3f (%d/%d)\n", k, float64(ks.flagged)/float64(max(ks.total, 1)), ks.flagged, ks.total)
	}
	return b.String()
}

// TestJudgementCorpus measures the default rules on both parts of the
// corpus and holds them to the targets of issue #9 (recall >= 0.90 on
// blameful sentences, false-alarm rate <= 0.03 on blameless ones).
// Print the figures with:
//
//	go test ./internal/analysis/ -run TestJudgementCorpus -v
func TestJudgementCorpus(t *testing.T) {
	rules, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Rules: rules}
	for _, part := range []string{"dev", "test"} {
		t.Run(part, func(t *testing.T) {
			s := scoreCorpus(t, "testdata/judgement/"+part+".tsv", cfg)
			if os.Getenv("CORPUS_VERBOSE") != "" {
				for _, l := range append(s.misses, s.falseHits...) {
					t.Log(l)
				}
			}
			t.Log("\n" + s.report(part))
			if s.blameful+s.blameless < 500 {
				t.Fatalf("%s part has %d sentences, want at least 500", part, s.blameful+s.blameless)
			}
			if s.recall() < 0.90 {
				t.Errorf("recall %.3f on blameful sentences, want >= 0.90", s.recall())
			}
			if s.falseAlarm() > 0.03 {
				t.Errorf("false-alarm rate %.3f on blameless sentences, want <= 0.03", s.falseAlarm())
			}
		})
	}
}
