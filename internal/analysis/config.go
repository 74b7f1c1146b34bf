package analysis

import "fmt"

// DefaultSections are the required sections when a policy names none:
// what a postmortem cannot do without. The aliases are headings found in
// published postmortems; a heading names a section when it contains one
// of them ("Customer Impact", "What caused it?", "Next steps").
func DefaultSections() []SectionSpec {
	return []SectionSpec{
		{Name: "Summary", Aliases: []string{"TL;DR", "TLDR", "Overview", "What happened", "Synopsis", "Description", "Intro", "Introduction",
			"What was the problem", "What is happening", "Problem statement", "What happens"}},
		{Name: "Impact", Aliases: []string{"Who was affected", "Users affected", "Customers affected", "Blast radius", "Affected", "Impacted", "What was impacted"}},
		{Name: "Root Cause", Aliases: []string{"Root Causes", "Causes", "Contributing Factors", "What caused it", "Why it happened", "Why did it happen", "Trigger", "What went wrong", "Why", "How did this happen", "How it happened",
			"Vulnerability", "What was happening", "What was going on", "Details of incident", "Details of issue",
			"What allowed this to happen", "Origin"}},
		{Name: "Action Items", Aliases: []string{"Corrective Actions", "Preventive Actions", "Preventative Actions", "Follow-ups", "Follow-up", "Follow-up actions", "Next steps", "Action plan", "Remediation items", "Prevention",
			"Corrective and Preventative Measures", "Corrective Measures", "Preventative Measures", "Preventive Measures", "Improvements",
			"Actions", "Planned actions", "Immediate actions", "Recovery actions", "Going forward", "Moving forward",
			"What we are doing about it", "What were doing about it", "What is being done", "Prevent future", "Preventing", "Prevent", "Looking forward",
			"Improving", "What will change", "Long term solution", "Will this happen again", "Will it happen again", "What happens now"}},
	}
}

// DefaultRecommendedSections are the sections a postmortem should have; a
// missing one is a warning.
func DefaultRecommendedSections() []SectionSpec {
	return []SectionSpec{
		{Name: "Timeline", Aliases: []string{"Chronology", "Sequence of events", "Time line"}},
		{Name: "Resolution", Aliases: []string{"Resolution & Recovery", "Recovery", "Mitigation", "How did we fix it", "How we fixed it", "Remediation", "Fix", "Workaround", "Response", "Mitigate"}},
		{Name: "Lessons Learned", Aliases: []string{"Lessons", "Learnings", "Takeaways", "What went well", "What we learned", "Where we got lucky", "What could be improved", "Retrospective", "What can we learn", "What we can learn", "Take from this"}},
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
	return Config{RequiredSections: DefaultSections(), RecommendedSections: DefaultRecommendedSections(), Rules: rules}, nil
}
