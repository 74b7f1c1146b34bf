package analysis

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

type corpusLine struct {
	blameful bool
	section  string
	sentence string
	line     int
}

func readCorpus(t *testing.T) []corpusLine {
	t.Helper()
	f, err := os.Open("testdata/corpus.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusLine
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 || (parts[0] != "blameful" && parts[0] != "blameless") {
			t.Fatalf("corpus.tsv:%d: want label<TAB>section<TAB>sentence, got %q", n, line)
		}
		out = append(out, corpusLine{blameful: parts[0] == "blameful", section: parts[1], sentence: parts[2], line: n})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCorpusMeetsRecallAndFalseAlarmTargets measures the default rules on
// the hand-labelled corpus; each sentence sits in its section.
func TestCorpusMeetsRecallAndFalseAlarmTargets(t *testing.T) {
	rules, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Rules: rules}
	corpus := readCorpus(t)
	if len(corpus) < 300 {
		t.Fatalf("corpus has %d sentences, want at least 300", len(corpus))
	}
	var tp, fn, fp, tn int
	for _, c := range corpus {
		doc := "## " + c.section + "\n\n" + c.sentence + "\n"
		res := Analyze("corpus.md", []byte(doc), cfg)
		flagged := len(res.Findings) > 0
		switch {
		case c.blameful && flagged:
			tp++
		case c.blameful:
			fn++
			t.Logf("missed   corpus.tsv:%d [%s] %s", c.line, c.section, c.sentence)
		case flagged:
			fp++
			t.Logf("false    corpus.tsv:%d [%s] %s -> %s %q", c.line, c.section, c.sentence, res.Findings[0].Rule, res.Findings[0].Message)
		default:
			tn++
		}
	}
	recall := float64(tp) / float64(tp+fn)
	precision := float64(tp) / float64(max(tp+fp, 1))
	falseAlarm := float64(fp) / float64(fp+tn)
	t.Logf("corpus: %d blameful, %d blameless; precision %.3f, recall %.3f, false-alarm rate %.3f", tp+fn, fp+tn, precision, recall, falseAlarm)
	if recall < 0.92 {
		t.Errorf("recall %.3f on blameful sentences, want >= 0.92", recall)
	}
	if falseAlarm > 0.03 {
		t.Errorf("false-alarm rate %.3f on blameless sentences, want <= 0.03", falseAlarm)
	}
}
