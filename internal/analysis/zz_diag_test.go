package analysis

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestZZPersons(t *testing.T) {
	dir := os.Getenv("DIAG_DIR")
	if dir == "" {
		t.Skip()
	}
	cfg := defaultConfig(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	counts := map[string]int{}
	examples := map[string]string{}
	for _, f := range files {
		src, _ := os.ReadFile(f)
		m := newLanguageMatcher(cfg.Rules)
		m.doc = src
		for _, line := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") || strings.HasPrefix(strings.TrimSpace(line), "```") {
				continue
			}
			for _, sb := range sentenceBounds(line) {
				s := line[sb[0]:sb[1]]
				toks := tokenize(s)
				for j := range toks {
					r, _ := utf8.DecodeRuneInString(toks[j].orig)
					if !unicode.IsUpper(r) || !isPerson(toks, j) || personWords[toks[j].key] {
						continue
					}
					if !m.personStands(&compiledRule{}, toks, j, nil) {
						continue
					}
					k := toks[j].orig
					counts[k]++
					if _, ok := examples[k]; !ok {
						examples[k] = filepath.Base(f) + ": " + strings.TrimSpace(s)
					}
				}
			}
		}
	}
	var ks []string
	for k := range counts {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(a, b int) bool { return counts[ks[a]] > counts[ks[b]] })
	out, _ := os.Create("/tmp/persons.txt")
	for _, k := range ks {
		ex := examples[k]
		if len(ex) > 200 {
			ex = ex[:200]
		}
		fmt.Fprintf(out, "%d\t%s\t%s\n", counts[k], k, ex)
	}
	out.Close()
	t.Logf("%d distinct", len(ks))
}
