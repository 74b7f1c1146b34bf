// Package analysis reviews a postmortem document: required sections, blameless
// language and action items. It is pure: text and a Config in, findings out.
package analysis

import (
	"fmt"
	"slices"
	"strings"
)

// Severity ranks a finding. "error" fails an enforcing check; "warning" and
// "info" are reported but never fail it on their own.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// SectionSpec names a section and the headings accepted for it. A heading
// names the section when its words contain the name or an alias, ignoring
// case, punctuation and inflection ("Customer Impact" names "Impact").
type SectionSpec struct {
	Name    string   `yaml:"name" json:"name"`
	Aliases []string `yaml:"aliases,omitempty" json:"aliases,omitempty"`
}

// RuleOverrides is how a repository's policy adjusts the default rule set:
// disable rules by id, change their severity, or add rules of its own.
type RuleOverrides struct {
	Disable  []string            `yaml:"disable,omitempty" json:"disable,omitempty"`
	Severity map[string]Severity `yaml:"severity,omitempty" json:"severity,omitempty"`
	Add      []Rule              `yaml:"add,omitempty" json:"add,omitempty"`
}

// Config is everything one analysis run needs.
type Config struct {
	// RequiredSections must be present, non-empty and no longer placeholder
	// text; a missing one is an error.
	RequiredSections []SectionSpec
	// RecommendedSections are checked the same way, but a missing or empty
	// one is a warning.
	RecommendedSections []SectionSpec
	// Rules are the language rules in force (defaults with overrides applied).
	Rules []Rule
	// Placeholders are template prompt texts; a section whose only content is
	// one of these counts as unfilled.
	Placeholders []string
	// ActionItemDefaults gives a due date offset (days after the postmortem
	// date) by priority when an item has none, e.g. {"P1": 14}.
	ActionItemDueDays map[string]int
}

// Finding is one problem at one place in a file.
type Finding struct {
	File       string   `json:"file"`
	Line       int      `json:"line"`
	Column     int      `json:"column"`
	EndLine    int      `json:"end_line,omitempty"`
	EndColumn  int      `json:"end_column,omitempty"`
	Rule       string   `json:"rule"`
	Severity   Severity `json:"severity"`
	Message    string   `json:"message"`
	Suggestion string   `json:"suggestion"`
	// Match is the text a language rule matched, as the author wrote it,
	// so a reader sees which words the finding is about.
	Match string `json:"match,omitempty"`
	// Person is the word naming the person the finding is about, when the
	// rule looks for one ("Alex", "on-call", "@kim").
	Person string `json:"person,omitempty"`
}

// Matched says which words of the text a language finding is about, for
// people reading it: `"broke" (about "Alex")`; "" for structural findings.
func (f Finding) Matched() string {
	if f.Match == "" {
		return ""
	}
	m := fmt.Sprintf("%q", f.Match)
	if f.Person != "" && !strings.Contains(f.Match, f.Person) {
		m += fmt.Sprintf(" (about %q)", f.Person)
	}
	return m
}

// sections lists the required sections, then the recommended ones.
func (c Config) sections() []SectionSpec {
	if len(c.RecommendedSections) == 0 {
		return c.RequiredSections
	}
	return append(slices.Clone(c.RequiredSections), c.RecommendedSections...)
}
