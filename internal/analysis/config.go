package analysis

import "fmt"

// DefaultSections are the required sections when a policy names none.
func DefaultSections() []SectionSpec {
	return []SectionSpec{
		{Name: "Summary"},
		{Name: "Impact"},
		{Name: "Timeline"},
		{Name: "Root Cause", Aliases: []string{"Root Causes", "Contributing Factors", "Root Cause(s) / Contributing Factors"}},
		{Name: "Resolution", Aliases: []string{"Resolution & Recovery", "Recovery"}},
		{Name: "Action Items", Aliases: []string{"Corrective Actions", "Follow-ups"}},
		{Name: "Lessons Learned"},
	}
}

// DefaultConfig builds a Config from the embedded defaults: the default
// sections and the language rules of policies/rules.yml. The policy
// package builds richer Configs from policy files.
func DefaultConfig() (Config, error) {
	rules, err := DefaultRules()
	if err != nil {
		return Config{}, fmt.Errorf("default config: %w", err)
	}
	return Config{RequiredSections: DefaultSections(), Rules: rules}, nil
}
