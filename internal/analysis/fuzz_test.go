package analysis

import (
	"bytes"
	"os"
	"testing"
)

func fuzzSeeds(f *testing.F) {
	good, err := os.ReadFile("testdata/good.md")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte("---\nunclosed: true\n# PM\n"))
	f.Add([]byte("## Action Items\n\n| Action | Owner |\n|---|---|\n| x | @a/b |\n- [ ] y (due: 2026-13-01, type: q)"))
	f.Add([]byte("<!-- postmortem-lint disable -->\nAlex broke it. <!-- postmortem-lint enable x -->"))
	f.Add([]byte("Setext\n===\n\n> quote\n\n    code\n\n* a\n  * b\n\nÜnal’s fault, obviously."))
	f.Add([]byte("\xff\x00"))
}

func checkPositions(t *testing.T, src []byte, fs []Finding) {
	lines := bytes.Count(src, []byte{'\n'}) + 1
	for _, f := range fs {
		if f.Line < 1 || f.Line > lines || f.Column < 1 || f.EndLine > lines {
			t.Fatalf("finding out of range (file has %d lines): %+v", lines, f)
		}
		if f.Rule == "" || f.Message == "" {
			t.Fatalf("finding without rule or message: %+v", f)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	fuzzSeeds(f)
	cfg, err := DefaultConfig()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		res := Analyze("fuzz.md", src, cfg)
		checkPositions(t, src, res.Findings)
		lines := bytes.Count(src, []byte{'\n'}) + 1
		for _, s := range res.Sections {
			if s.Line < 1 || s.Line > lines || s.EndLine < s.Line || s.EndLine > lines {
				t.Fatalf("section out of range (file has %d lines): %+v", lines, s)
			}
		}
		for i := 1; i < len(res.Findings); i++ {
			a, b := res.Findings[i-1], res.Findings[i]
			if a.Line > b.Line || (a.Line == b.Line && a.Column > b.Column) {
				t.Fatalf("findings not sorted: %+v before %+v", a, b)
			}
		}
	})
}

func FuzzParseActionItems(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		items, findings := ParseActionItems("fuzz.md", src, Config{})
		checkPositions(t, src, findings)
		lines := bytes.Count(src, []byte{'\n'}) + 1
		for _, it := range items {
			if it.Line < 1 || it.Line > lines || it.Title == "" {
				t.Fatalf("bad item (file has %d lines): %+v", lines, it)
			}
		}
	})
}
