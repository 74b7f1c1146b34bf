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
		"bold-labels.md":          nil,
		"labels-and-dates.md":     nil,
		// Bold labels on consecutive lines of one paragraph (a metadata block).
		"metadata-block.md": {"Resolution", "Lessons Learned"},
		// Security disclosures: the vulnerability is the cause.
		"disclosure-shape.md":          {"Impact", "Lessons Learned"},
		"incident-disclosure-shape.md": {"Impact", "Lessons Learned"},
		// Plain-text labels opening list items, as in the SRE book's header.
		"plain-labels.md": {"Timeline", "Lessons Learned"},
		// A personal debugging write-up: no impact, no follow-ups.
		"debugging-blog-shape.md": {"Summary", "Impact", "Action Items", "Timeline"},
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

// A bold label opening a paragraph ("**Impact**: …") names its section,
// as the SRE book's example does; a real heading of the same section wins
// over a label, and a label that names no section changes nothing.
func TestBoldLabelsNameSections(t *testing.T) {
	cfg := Config{RequiredSections: DefaultSections(), RecommendedSections: DefaultRecommendedSections()}
	labels := "# Outage\n\n**Summary**: x went down.\n\n**Impact:** 3% of requests failed.\n\n" +
		"**Root cause**: a full disk.\n\n**Action items**:\n\n- [ ] Alert on disk (owner: @a, due: 2026-01-01)\n"
	if res := Analyze("a.md", []byte(labels), cfg); len(res.MissingSections) > 0 {
		t.Errorf("labelled sections reported missing: %v (%+v)", res.MissingSections, res.Findings)
	}
	res := Analyze("b.md", []byte("## Summary\n\nx.\n\n**Date**: 2026-01-01\n\n**Owner**: @a\n"), cfg)
	if !slices.Contains(res.MissingSections, "Impact") {
		t.Errorf("labels that name no section counted as one: %v", res.MissingSections)
	}
	// "**Action item:** …" in the lessons does not stand for the list below.
	both := "## Summary\n\nx.\n\n## Lessons\n\n**Action item:** declare incidents earlier.\n\n" +
		"## Action Items\n\n- [ ] Alert on disk (owner: @a, due: 2026-01-01)\n"
	res = Analyze("c.md", []byte(both), cfg)
	if len(res.ActionItems) != 1 || !strings.Contains(res.ActionItems[0].Title, "Alert on disk") {
		t.Errorf("action items taken from the label, not the heading: %+v", res.ActionItems)
	}
	// Prose under a label is that section's: "**Root cause**: Kwame" is judged as a root cause.
	res = Analyze("d.md", []byte("## Summary\n\nx.\n\n**Root cause**: Kwame pushed the wrong tag.\n"), Config{Rules: defaultConfig(t).Rules})
	if !slices.ContainsFunc(res.Findings, func(f Finding) bool { return f.Rule == "person-root-cause" }) {
		t.Errorf("root-cause sentence under a label not judged as such: %+v", res.Findings)
	}
}

func TestTimelineDatesAsWritten(t *testing.T) {
	for raw, want := range map[string]bool{
		"01/31/2023 - A researcher reported the bug.": true,
		"1/29/24 the connector was set up.":           true,
		"### August 15\n\nThe first node failed.":     true,
		"On 4 May the first node failed.":             true,
		"At 4pm the first node failed.":               true,
		"2026-03-04 the first node failed.":           true,
		"09:41 paged.":                                true,
		"The first node failed, then the second.":     false,
		"It may 3x the load.":                         false,
		"Version 1.7.0 was released.":                 false,
	} {
		if got := hasTimestamp([]byte(raw)); got != want {
			t.Errorf("hasTimestamp(%q) = %v, want %v", raw, got, want)
		}
	}
}

// A table headed "Follow-up" lists action items wherever it sits; more of
// the headings published postmortems use name their sections.
func TestActionItemTablesAndQuestionHeadings(t *testing.T) {
	cfg := Config{RequiredSections: DefaultSections(), RecommendedSections: DefaultRecommendedSections()}
	src := "## Summary\n\nx.\n\n## Remediation\n\n### In Progress\n\n| Follow-up | Owner |\n|---|---|\n| Alert on queue backlog | @ana |\n"
	res := Analyze("a.md", []byte(src), cfg)
	if slices.Contains(res.MissingSections, "Action Items") || len(res.ActionItems) != 1 || res.ActionItems[0].Owner != "@ana" {
		t.Errorf("follow-up table not read as the action items: missing %v, items %+v", res.MissingSections, res.ActionItems)
	}
	// A table inside the action items section is not a second section.
	src = "## Action Items\n\n| Action item | Owner |\n|---|---|\n| Alert on queue backlog | @ana |\n"
	if res := Analyze("b.md", []byte(src), cfg); len(res.ActionItems) != 1 {
		t.Errorf("items: %+v, findings %+v", res.ActionItems, res.Findings)
	}
	m := newSectionMatcher(append(DefaultSections(), DefaultRecommendedSections()...))
	for heading, want := range map[string]string{
		"How are we preventing it from happening again?": "Action Items",
		"What can we learn from this incident?":          "Lessons Learned",
		"What is the team doing to mitigate this?":       "Resolution",
		"Corrective and Preventative Measures":           "Action Items",
		"What was impacted":                              "Impact",
		"Why did all this happen so quickly?":            "Root Cause",
		"What was the problem?":                          "Summary",
		"Intro":                                          "Summary",
		"Fixes implemented":                              "Resolution",
		"Looking Forward":                                "Action Items",
		"Improving Recovery Procedures":                  "Action Items",
	} {
		idx := m.matchKeys(normalizeName(heading))
		if len(idx) == 0 || m.specs[idx[0]].Name != want {
			t.Errorf("%q names %v, want %s", heading, idx, want)
		}
	}
}
