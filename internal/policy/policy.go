// Package policy is a repository's postmortem policy: which issues are
// incidents, how postmortems are drafted, checked and followed up. It parses
// and validates .github/postmortem.yml over the defaults in policies/postmortem.yml.
package policy

import (
	"fmt"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/policies"
)

// DefaultFile is the defaults' name in the policies folder, also used in their errors.
const DefaultFile = "policies/postmortem.yml"

// Policy is one repository's postmortem policy. docs/configuration.md
// describes every key.
type Policy struct {
	Incident    Incident    `yaml:"incident"`
	Severity    Severity    `yaml:"severity"`
	Postmortem  Postmortem  `yaml:"postmortem"`
	Check       Check       `yaml:"check"`
	ActionItems ActionItems `yaml:"action_items"`
	Related     Related     `yaml:"related_incidents"`
	Changes     Changes     `yaml:"changes_before"`
}

// Related says how earlier incidents that look like the same failure are
// found when an issue becomes an incident.
type Related struct {
	Enabled bool `yaml:"enabled"`
	// MinScore is the least score a match needs (see internal/related).
	MinScore float64 `yaml:"min_score"`
	// MaxShown caps the matches the draft lists.
	MaxShown int `yaml:"max_shown"`
	// MaxCandidates caps the earlier incidents compared (the most recent),
	// per repository searched.
	MaxCandidates int `yaml:"max_candidates"`
	// AcrossOrg also searches the owner's other repositories the app is
	// installed on (and has recorded).
	AcrossOrg bool `yaml:"across_org"`
}

// Changes says which changes the drafted timeline lists before the
// incident started.
type Changes struct {
	// WindowHours is how far back from the incident's start to look; 0
	// turns the list off.
	WindowHours int `yaml:"window_hours"`
	// MaxListed caps the pull requests and the deployments listed.
	MaxListed int `yaml:"max_listed"`
}

// Incident says which issues are incidents.
type Incident struct {
	Labels []string `yaml:"labels"`
}

// Severity ranks incidents by their severity labels.
type Severity struct {
	Labels            []string `yaml:"labels"` // most severe first
	RequirePostmortem []string `yaml:"require_postmortem"`
	Default           string   `yaml:"default"` // "" = unknown, which requires a postmortem
}

// Postmortem says how a postmortem is drafted and proposed.
type Postmortem struct {
	Directory            string   `yaml:"directory"`
	Filename             string   `yaml:"filename"` // {date}, {year}, {slug} and {number} substituted, see filename.go
	Template             string   `yaml:"template"` // repository path; "" = built-in
	BranchPrefix         string   `yaml:"branch_prefix"`
	Labels               []string `yaml:"labels"`
	Reviewers            []string `yaml:"reviewers"`
	TeamReviewers        []string `yaml:"team_reviewers"`
	DueDays              int      `yaml:"due_days"`
	ReminderIntervalDays int      `yaml:"reminder_interval_days"` // 0 = no reminders
	TimelineLimit        int      `yaml:"timeline_limit"`
}

// Check configures the postmortem check run.
type Check struct {
	Mode             string                 `yaml:"mode"` // ModeEnforce or ModeAdvisory
	RequiredSections []analysis.SectionSpec `yaml:"required_sections"`
	// RecommendedSections are checked like required ones, but a missing or
	// empty one is a warning, not an error.
	RecommendedSections []analysis.SectionSpec `yaml:"recommended_sections"`
	Rules               analysis.RuleOverrides `yaml:"rules"`
	GuidanceURL         string                 `yaml:"guidance_url"`
}

// Check modes.
const (
	ModeEnforce  = "enforce"
	ModeAdvisory = "advisory"
)

// ActionItems configures how a merged postmortem's action items are followed up.
type ActionItems struct {
	Label                 string         `yaml:"label"`
	DueDaysByPriority     map[string]int `yaml:"due_days_by_priority"`
	DefaultDueDays        int            `yaml:"default_due_days"`
	ReminderIntervalDays  int            `yaml:"reminder_interval_days"` // 0 = no reminders
	EscalateAfterDays     int            `yaml:"escalate_after_days"`    // 0 = no escalation
	EscalationTeam        string         `yaml:"escalation_team"`        // "@org/team"; "" = no escalation
	CloseIncidentWhenDone bool           `yaml:"close_incident_when_done"`
	// DeclinedCountAsDone says whether an item closed as not planned
	// counts toward completing its incident (it is listed as declined
	// either way).
	DeclinedCountAsDone bool        `yaml:"declined_count_as_done"`
	StatusIssue         StatusIssue `yaml:"status_issue"`
	// OrgStatusIssue, read from the owner's .github repository, is one
	// issue there aggregating every repository the app works in.
	OrgStatusIssue StatusIssue `yaml:"org_status_issue"`
	// MaxPerPostmortem caps the action items one postmortem may list: the
	// check reports more as an error, and a merge opens no issue beyond it.
	MaxPerPostmortem int `yaml:"max_per_postmortem"`
}

// StatusIssue is the per-repository issue listing open action items.
type StatusIssue struct {
	Enabled bool   `yaml:"enabled"`
	Title   string `yaml:"title"`
}

// Enforcing reports whether findings of severity error fail the check.
func (p *Policy) Enforcing() bool { return p.Check.Mode == ModeEnforce }

// Default returns the built-in policy, parsed from policies/postmortem.yml.
func Default() (*Policy, error) {
	data, err := policies.FS.ReadFile("postmortem.yml")
	if err != nil {
		return nil, fmt.Errorf("read default policy: %w", err)
	}
	p := &Policy{}
	if err := decodeOnto(p, DefaultFile, data); err != nil {
		return nil, err
	}
	return p, nil
}

// Parse reads a repository's policy file over the defaults: keys the file
// leaves out keep their default; a list or map it sets replaces the default
// one. Any problem is returned as an *Error pointing at the offending line.
func Parse(filename string, data []byte) (*Policy, error) {
	p, err := Default()
	if err != nil {
		return nil, err
	}
	if err := decodeOnto(p, filename, data); err != nil {
		return nil, err
	}
	return p, nil
}
