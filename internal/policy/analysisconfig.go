package policy

import (
	"fmt"
	"maps"
	"slices"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/draft"
)

// AnalysisConfig is the configuration for checking postmortems written from
// the built-in template. When postmortem.template names a template in the
// repository, fetch it and call AnalysisConfigForTemplate instead.
func (p *Policy) AnalysisConfig() (analysis.Config, error) {
	tmpl, err := draft.DefaultTemplate()
	if err != nil {
		return analysis.Config{}, err
	}
	return p.AnalysisConfigForTemplate(tmpl)
}

// AnalysisConfigForTemplate is the configuration for checking postmortems
// written from tmpl: the required and recommended sections, the default language rules with
// check.rules applied, the template's prompts as placeholders (see
// draft.Placeholders) and the action items' due days by priority.
func (p *Policy) AnalysisConfigForTemplate(tmpl string) (analysis.Config, error) {
	if len(tmpl) > draft.MaxTemplateBytes {
		return analysis.Config{}, fmt.Errorf("the template is %d bytes; a template may be at most %d", len(tmpl), draft.MaxTemplateBytes)
	}
	rules, err := p.rules()
	if err != nil {
		return analysis.Config{}, err
	}
	return analysis.Config{
		RequiredSections:    slices.Clone(p.Check.RequiredSections),
		RecommendedSections: slices.Clone(p.Check.RecommendedSections),
		Rules:               rules,
		Placeholders:        draft.Placeholders(tmpl),
		ActionItemDueDays:   maps.Clone(p.ActionItems.DueDaysByPriority),
	}, nil
}

func (p *Policy) rules() ([]analysis.Rule, error) {
	defaults, err := analysis.DefaultRules()
	if err != nil {
		return nil, fmt.Errorf("load default language rules: %w", err)
	}
	rules, err := analysis.ApplyOverrides(defaults, p.Check.Rules)
	if err != nil {
		return nil, fmt.Errorf("apply check.rules: %w", err)
	}
	return rules, nil
}
