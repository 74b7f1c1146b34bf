package analysis

import (
	"bytes"
	"os"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// The parser skips goldmark's link reference search on paragraphs without
// a "[": documents must parse exactly as with goldmark's default parser.
func TestParserMatchesGoldmarkDefaultParser(t *testing.T) {
	good, err := os.ReadFile("testdata/good.md")
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string][]byte{
		"good.md":              good,
		"large postmortem":     largePostmortem(64 << 10),
		"definition only":      []byte("[runbook]: https://example.com/runbook\n"),
		"definition then text": []byte("  [rb]: https://example.com \"Run book\"\nSee [the runbook][rb].\n\nNo brackets here.\n"),
		"definition later":     []byte("Text first\n[rb]: https://example.com\n\n[rb]\n"),
		"bracket mid line":     []byte("A [link](https://example.com) and text.\n"),
		"table":                []byte("| a | [b] |\n|---|---|\n| c | d |\n\n[d]: /x\n"),
		"lazy continuation":    []byte("> [q]: /quoted\nlazy line\n\n- [ ] task\n- [x] done\n"),
		"indented":             []byte("    [code]: /not-a-definition\n\n   [three]: /is-one\n[three]\n"),
	}
	reference := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList))
	for name, src := range docs {
		var got, want bytes.Buffer
		if err := reference.Renderer().Render(&got, src, markdown.Parse(text.NewReader(src))); err != nil {
			t.Fatalf("%s: render: %v", name, err)
		}
		if err := reference.Renderer().Render(&want, src, reference.Parser().Parse(text.NewReader(src))); err != nil {
			t.Fatalf("%s: render: %v", name, err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: parsed differently from goldmark's default parser:\ngot  %s\nwant %s", name, got.String(), want.String())
		}
	}
}

// A document opening with "---" and closing with a rule is Markdown with
// two thematic breaks, not front matter: its headings count.
func TestOpeningRuleIsNotFrontMatter(t *testing.T) {
	src := "---\n\n# Boot failure\n\n**Severity:** P2\n\n## Summary\n\nThe laptop did not boot.\n\n## Root Cause\n\nA broken initramfs.\n\n---\n"
	res := Analyze("a.md", []byte(src), Config{RequiredSections: []SectionSpec{{Name: "Summary"}, {Name: "Root Cause"}}})
	if len(res.MissingSections) > 0 {
		t.Errorf("sections after an opening rule reported missing: %v (%+v)", res.MissingSections, res.Findings)
	}
	fm := "---\ntitle: Boot failure\ntags: [boot]\n---\n\n## Summary\n\nx\n"
	res = Analyze("b.md", []byte(fm), Config{RequiredSections: []SectionSpec{{Name: "Summary"}}})
	if len(res.MissingSections) > 0 || len(res.Findings) > 0 {
		t.Errorf("front matter misread: %v (%+v)", res.MissingSections, res.Findings)
	}
}
