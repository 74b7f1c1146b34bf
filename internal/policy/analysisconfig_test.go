package policy

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/draft"
)

func TestAnalysisConfigCarriesPolicyAndTemplatePrompts(t *testing.T) {
	p := mustParse(t, "check:\n  required_sections: [{name: Summary}, {name: Impact}]\naction_items:\n  due_days_by_priority: {P1: 10}\n")
	cfg, err := p.AnalysisConfig()
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.RequiredSections) != 2 || cfg.RequiredSections[1].Name != "Impact" {
		t.Errorf("sections: %+v", cfg.RequiredSections)
	}
	if len(cfg.ActionItemDueDays) != 1 || cfg.ActionItemDueDays["P1"] != 10 {
		t.Errorf("due days: %v", cfg.ActionItemDueDays)
	}
	tmpl, _ := draft.DefaultTemplate()
	if want := draft.Placeholders(tmpl); len(want) == 0 || !slices.Equal(cfg.Placeholders, want) {
		t.Errorf("placeholders %q, want the built-in template's %q", cfg.Placeholders, want)
	}
	cfg.ActionItemDueDays["P1"] = 99
	if p.ActionItems.DueDaysByPriority["P1"] != 10 {
		t.Error("changing the config changed the policy")
	}

	custom, err := p.AnalysisConfigForTemplate("## Summary\n<!-- Tell the story. -->\n")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(custom.Placeholders, []string{"Tell the story."}) {
		t.Errorf("custom placeholders %q", custom.Placeholders)
	}
}

// The built-in template must satisfy the built-in policy: every required
// section has a heading in it.
func TestDefaultTemplateHasEveryDefaultRequiredSection(t *testing.T) {
	p := mustParse(t, "")
	tmpl, err := draft.DefaultTemplate()
	if err != nil {
		t.Fatal(err)
	}
	headings := map[string]bool{}
	for _, line := range strings.Split(tmpl, "\n") {
		if strings.HasPrefix(line, "## ") {
			headings[normalizeHeading(line[3:])] = true
		}
	}
	for _, s := range p.Check.RequiredSections {
		found := false
		for _, name := range append([]string{s.Name}, s.Aliases...) {
			found = found || headings[normalizeHeading(name)]
		}
		if !found {
			t.Errorf("required section %q has no heading in the built-in template", s.Name)
		}
	}
}

// A fresh draft from the built-in template, checked with the default policy,
// is flagged only for the sections the authors still have to write: the
// drafted header and timeline raise no language or structure findings.
func TestFreshDraftIsFlaggedOnlyForUnwrittenSections(t *testing.T) {
	p := mustParse(t, "")
	cfg, err := p.AnalysisConfig()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, _ := draft.DefaultTemplate()
	opened := time.Date(2024, 5, 14, 9, 12, 0, 0, time.UTC)
	closed := opened.Add(3 * time.Hour)
	inc := draft.Incident{
		Number: 12, Title: "Checkout errors after a deploy", URL: "https://github.com/acme/shop/issues/12",
		Repository: "acme/shop", Severity: "sev2", Labels: []string{"incident", "sev2"}, Responders: []string{"mkaur"},
		OpenedAt: opened, ClosedAt: &closed,
		Timeline: []draft.TimelineEntry{
			{At: opened, Actor: "mkaur", Kind: "opened"},
			{At: opened.Add(10 * time.Minute), Actor: "mkaur", Kind: "commented", Text: "Rolled back the deploy; error rate back to normal."},
			{At: closed, Actor: "mkaur", Kind: "closed"},
		},
	}
	doc, err := draft.Render(tmpl, inc)
	if err != nil {
		t.Fatal(err)
	}
	res := analysis.Analyze("postmortems/x.md", doc, cfg)
	if len(res.MissingSections) != 0 {
		t.Errorf("sections missing from a fresh draft: %q", res.MissingSections)
	}
	unwritten := map[string]bool{}
	for _, f := range res.Findings {
		switch f.Rule {
		case analysis.RuleSectionEmpty, analysis.RuleSectionPlaceholder:
			unwritten[sectionAt(res.Sections, f.Line)] = true
		case analysis.RuleActionItemsNone:
		default:
			t.Errorf("unexpected finding on a fresh draft: line %d %s: %s", f.Line, f.Rule, f.Message)
		}
	}
	want := map[string]bool{"Summary": true, "Impact": true, "Root Cause": true, "Resolution": true, "Action Items": true, "Lessons Learned": true}
	if !maps.Equal(unwritten, want) {
		t.Errorf("sections flagged as unwritten: %v\nwant %v", unwritten, want)
	}
}

// sectionAt names the level-2 section holding a line.
func sectionAt(sections []analysis.Section, line int) string {
	name := ""
	for _, s := range sections {
		if s.Level <= 2 && s.Line <= line {
			name = s.Name
		}
	}
	return name
}

func TestOversizedTemplateIsRefusedForTheCheck(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.AnalysisConfigForTemplate(strings.Repeat("x", draft.MaxTemplateBytes+1)); err == nil || !strings.Contains(err.Error(), "at most 65536") {
		t.Errorf("got %v", err)
	}
}
