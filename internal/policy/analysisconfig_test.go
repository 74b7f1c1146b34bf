package policy

import (
	"slices"
	"strings"
	"testing"

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
