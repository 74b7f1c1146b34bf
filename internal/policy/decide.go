package policy

import (
	"strings"
	"time"
)

// IsIncident reports whether an issue with these labels is an incident.
func (p *Policy) IsIncident(labels []string) bool {
	for _, l := range labels {
		if containsFold(p.Incident.Labels, l) {
			return true
		}
	}
	return false
}

// SeverityOf returns the most severe severity label among labels, spelt as
// in the policy, or severity.default when there is none.
func (p *Policy) SeverityOf(labels []string) string {
	for _, s := range p.Severity.Labels {
		if containsFold(labels, s) {
			return s
		}
	}
	return p.Severity.Default
}

// RequiresPostmortem reports whether an incident of this severity must have a
// postmortem. An empty severity means severity.default, and an unknown
// severity always requires one.
func (p *Policy) RequiresPostmortem(severity string) bool {
	if severity == "" {
		severity = p.Severity.Default
	}
	if severity == "" || !containsFold(p.Severity.Labels, severity) {
		return true
	}
	return containsFold(p.Severity.RequirePostmortem, severity)
}

// DueDate is when an action item of this priority falls due, counting from
// from (usually the postmortem's merge): action_items.due_days_by_priority,
// matched ignoring case, else action_items.default_due_days.
func (p *Policy) DueDate(priority string, from time.Time) time.Time {
	days := p.ActionItems.DefaultDueDays
	priority = strings.TrimSpace(priority)
	for prio, d := range p.ActionItems.DueDaysByPriority {
		if strings.EqualFold(prio, priority) {
			days = d
			break
		}
	}
	return from.AddDate(0, 0, days)
}

// PostmortemDueDate is when the postmortem of an incident closed at closed is due.
func (p *Policy) PostmortemDueDate(closed time.Time) time.Time {
	return closed.AddDate(0, 0, p.Postmortem.DueDays)
}

func containsFold(list []string, s string) bool {
	s = strings.TrimSpace(s)
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}
