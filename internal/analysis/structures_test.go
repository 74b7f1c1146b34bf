package analysis

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The documents in testdata/structures are shaped like published
// postmortems (their headings, section order and table layouts, with our
// own text): none may be told that a section is missing when it is there
// under another name, and those with a summary, impact, causes and
// follow-ups must pass with the default policy.
func TestRealWorldHeadingsSatisfyTheirSections(t *testing.T) {
	cfg := defaultConfig(t)
	tests := map[string][]string{ // file → sections really missing
		"sre-book-shape.md":       nil,
		"blog-shape.md":           {"Lessons Learned"},
		"combined-headings.md":    nil,
		"minimal-pass.md":         {"Timeline", "Resolution", "Lessons Learned"},
		"question-headings.md":    nil,
		"mitigation-learnings.md": nil,
		"missing-for-real.md":     {"Impact", "Root Cause", "Action Items", "Resolution", "Lessons Learned"},
		"numbered-headings.md":    {"Resolution"},
	}
	named := regexp.MustCompile(`section "([^"]+)" is missing`)
	for file, want := range tests {
		t.Run(file, func(t *testing.T) {
			src, err := os.ReadFile("testdata/structures/" + file)
			if err != nil {
				t.Fatal(err)
			}
			res := Analyze(file, src, cfg)
			var missing []string
			errors := 0
			for _, f := range res.Findings {
				if m := named.FindStringSubmatch(f.Message); m != nil {
					missing = append(missing, m[1])
				}
				if f.Severity == SeverityError {
					errors++
				}
			}
			slices.Sort(missing)
			want = slices.Sorted(slices.Values(want))
			if !slices.Equal(missing, want) {
				t.Errorf("missing sections %q, want %q; findings: %+v", missing, want, res.Findings)
			}
			passes := !slices.ContainsFunc(want, func(n string) bool {
				return slices.ContainsFunc(cfg.RequiredSections, func(s SectionSpec) bool { return s.Name == n })
			})
			if passes && errors > 0 {
				t.Errorf("%d errors on a postmortem with every required section: %+v", errors, res.Findings)
			}
		})
	}
}

func TestOpeningParagraphIsTheSummary(t *testing.T) {
	cfg := Config{RequiredSections: DefaultSections()}
	withProse := "# Outage\n\nOn 4 May checkout failed for an hour after a configuration change.\n\n## Impact\n\nx\n"
	withoutProse := "# Outage\n\n## Impact\n\nx\n"
	if res := Analyze("a.md", []byte(withProse), cfg); slices.Contains(res.MissingSections, "Summary") {
		t.Errorf("opening paragraph not taken as the summary: %v", res.MissingSections)
	}
	if res := Analyze("b.md", []byte(withoutProse), cfg); !slices.Contains(res.MissingSections, "Summary") {
		t.Errorf("summary not reported missing without an opening paragraph: %v", res.MissingSections)
	}
}

func TestFindingsQuoteTheAuthorsHeading(t *testing.T) {
	cfg := Config{RequiredSections: DefaultSections(), RecommendedSections: DefaultRecommendedSections()}
	res := Analyze("a.md", []byte("## Customer Impact\n\n<!-- who was affected -->\n"), cfg)
	for _, f := range res.Findings {
		if f.Rule == RuleSectionEmpty {
			if !strings.Contains(f.Message, `"Customer Impact" (Impact)`) {
				t.Errorf("message %q does not quote the heading", f.Message)
			}
			return
		}
	}
	t.Errorf("no section-empty finding: %+v", res.Findings)
}

func TestHeadingMayNameSeveralSections(t *testing.T) {
	m := newSectionMatcher(append(DefaultSections(), DefaultRecommendedSections()...))
	var names []string
	for _, i := range m.matchKeys(normalizeName("Recovery and Takeaways")) {
		names = append(names, m.specs[i].Name)
	}
	if !slices.Equal(names, []string{"Resolution", "Lessons Learned"}) {
		t.Errorf("Recovery and Takeaways names %q", names)
	}
}
