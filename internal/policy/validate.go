package policy

import (
	"fmt"
	"maps"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/didyoumean"
)

// maxDays bounds every day count: ten years is already more than any process needs.
const maxDays = 3650

// maxTimelineLimit bounds the drafted timeline, and with it the API calls spent reading it.
const maxTimelineLimit = 1000

var (
	loginPattern    = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)
	teamSlugPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	teamPattern     = regexp.MustCompile(`^@[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$`)
)

// validate checks the merged policy. A problem is reported at the key the
// file set, or, when the file left that key to the defaults, at the related
// key it did set (the fallbacks).
func validate(p *Policy, d *decoder) error {
	v := &validator{d: d}
	v.labels("incident.labels", p.Incident.Labels, true)

	v.labels("severity.labels", p.Severity.Labels, false)
	for i, s := range p.Severity.RequirePostmortem {
		key := fmt.Sprintf("severity.require_postmortem[%d]", i)
		if !containsFold(p.Severity.Labels, s) {
			v.fail(key, notASeverity(s, p.Severity.Labels), "severity.require_postmortem", "severity.labels")
		}
	}
	if s := p.Severity.Default; s != "" && !containsFold(p.Severity.Labels, s) {
		v.fail("severity.default", notASeverity(s, p.Severity.Labels), "severity.labels")
	}

	pm := p.Postmortem
	if msg := repoPathProblem(pm.Directory); msg != "" {
		v.fail("postmortem.directory", msg)
	}
	if msg := filenameProblem(pm.Filename); msg != "" {
		v.fail("postmortem.filename", msg)
	}
	if pm.Template != "" {
		if msg := repoPathProblem(pm.Template); msg != "" {
			v.fail("postmortem.template", msg)
		}
	}
	if msg := branchPrefixProblem(pm.BranchPrefix); msg != "" {
		v.fail("postmortem.branch_prefix", msg)
	}
	v.labels("postmortem.labels", pm.Labels, false)
	for i, login := range pm.Reviewers {
		if !loginPattern.MatchString(login) {
			msg := "must be a GitHub login"
			if strings.HasPrefix(login, "@") {
				msg += "; write it without the @"
			}
			v.fail(fmt.Sprintf("postmortem.reviewers[%d]", i), msg)
		}
	}
	for i, slug := range pm.TeamReviewers {
		if !teamSlugPattern.MatchString(slug) {
			msg := "must be a team slug"
			if strings.Contains(slug, "/") {
				msg += "; write only the part after the organisation, e.g. \"sre\" for @acme/sre"
			}
			v.fail(fmt.Sprintf("postmortem.team_reviewers[%d]", i), msg)
		}
	}
	v.days("postmortem.due_days", pm.DueDays)
	v.days("postmortem.reminder_interval_days", pm.ReminderIntervalDays)
	if pm.TimelineLimit < 0 || pm.TimelineLimit > maxTimelineLimit {
		v.fail("postmortem.timeline_limit", fmt.Sprintf("must be between 0 and %d", maxTimelineLimit))
	}

	c := p.Check
	if c.Mode != ModeEnforce && c.Mode != ModeAdvisory {
		v.fail("check.mode", fmt.Sprintf("must be %q or %q", ModeEnforce, ModeAdvisory))
	}
	v.sections(c.RequiredSections, c.RecommendedSections)
	v.ruleOverrides(c.Rules)
	if c.GuidanceURL != "" {
		if u, err := url.Parse(c.GuidanceURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.fail("check.guidance_url", "must be an http(s) address")
		}
	}

	a := p.ActionItems
	if strings.TrimSpace(a.Label) == "" {
		v.fail("action_items.label", "must name a label")
	}
	priorities := map[string]string{}
	for _, prio := range slices.Sorted(maps.Keys(a.DueDaysByPriority)) {
		days := a.DueDaysByPriority[prio]
		key := "action_items.due_days_by_priority." + prio
		if _, dup := priorities[strings.ToUpper(prio)]; dup {
			v.fail(key, "this priority is already set, in other letter case")
		}
		priorities[strings.ToUpper(prio)] = prio
		v.days(key, days)
	}
	v.days("action_items.default_due_days", a.DefaultDueDays)
	v.days("action_items.reminder_interval_days", a.ReminderIntervalDays)
	v.days("action_items.escalate_after_days", a.EscalateAfterDays)
	if a.EscalationTeam != "" && !teamPattern.MatchString(a.EscalationTeam) {
		v.fail("action_items.escalation_team", "must look like \"@org/team-slug\"")
	}
	if a.MaxPerPostmortem < 1 || a.MaxPerPostmortem > maxActionItems {
		v.fail("action_items.max_per_postmortem", fmt.Sprintf("must be between 1 and %d, got %d", maxActionItems, a.MaxPerPostmortem))
	}
	if a.StatusIssue.Enabled && strings.TrimSpace(a.StatusIssue.Title) == "" {
		v.fail("action_items.status_issue.title", "must not be empty while the status issue is enabled", "action_items.status_issue.enabled")
	}
	if len(a.StatusIssue.Title) > 256 {
		v.fail("action_items.status_issue.title", "must be at most 256 characters, GitHub's limit for issue titles")
	}
	if a.OrgStatusIssue.Enabled && strings.TrimSpace(a.OrgStatusIssue.Title) == "" {
		v.fail("action_items.org_status_issue.title", "must not be empty while the organisation status issue is enabled", "action_items.org_status_issue.enabled")
	}
	if len(a.OrgStatusIssue.Title) > 256 {
		v.fail("action_items.org_status_issue.title", "must be at most 256 characters, GitHub's limit for issue titles")
	}
	r := p.Related
	if r.MinScore <= 0 || r.MinScore > 3 {
		v.fail("related_incidents.min_score", fmt.Sprintf("must be above 0 and at most 3, got %g", r.MinScore))
	}
	if r.MaxShown < 1 || r.MaxShown > 10 {
		v.fail("related_incidents.max_shown", fmt.Sprintf("must be between 1 and 10, got %d", r.MaxShown))
	}
	if r.MaxCandidates < 1 || r.MaxCandidates > 200 {
		v.fail("related_incidents.max_candidates", fmt.Sprintf("must be between 1 and 200, got %d", r.MaxCandidates))
	}
	if c := p.Changes; c.WindowHours < 0 || c.WindowHours > 24*14 {
		v.fail("changes_before.window_hours", fmt.Sprintf("must be between 0 and %d (14 days), got %d", 24*14, c.WindowHours))
	}
	if c := p.Changes; c.MaxListed < 1 || c.MaxListed > 100 {
		v.fail("changes_before.max_listed", fmt.Sprintf("must be between 1 and 100, got %d", c.MaxListed))
	}
	return v.err
}

// maxActionItems bounds action_items.max_per_postmortem: each item is an
// issue (and a notification), opened one a second.
const maxActionItems = 500

type validator struct {
	d   *decoder
	err error
}

// fail records the first problem; problems are reported one at a time, in a
// fixed order, so a fixed file always gives the same message.
func (v *validator) fail(key, msg string, fallbacks ...string) {
	if v.err != nil {
		return
	}
	e := &Error{File: v.d.file, Key: key, Message: msg}
	for _, k := range append([]string{key}, fallbacks...) {
		if n, ok := v.d.keys[k]; ok {
			e.Line, e.Column = n.Line, n.Column
			break
		}
	}
	v.err = e
}

func (v *validator) days(key string, n int) {
	if n < 0 || n > maxDays {
		v.fail(key, fmt.Sprintf("must be between 0 and %d days", maxDays))
	}
}

func (v *validator) labels(key string, labels []string, required bool) {
	if required && len(labels) == 0 {
		v.fail(key, "must list at least one label")
	}
	seen := map[string]bool{}
	for i, l := range labels {
		k := fmt.Sprintf("%s[%d]", key, i)
		switch {
		case strings.TrimSpace(l) == "":
			v.fail(k, "a label must not be empty")
		case len(l) > 50:
			v.fail(k, "must be at most 50 characters, GitHub's limit for labels")
		case seen[strings.ToLower(l)]:
			v.fail(k, "repeats an earlier label (labels ignore case)")
		}
		seen[strings.ToLower(l)] = true
	}
}

func (v *validator) sections(required, recommended []analysis.SectionSpec) {
	seen := map[string]string{}
	specs := append(slices.Clone(required), recommended...)
	for i, s := range specs {
		key := fmt.Sprintf("check.required_sections[%d]", i)
		if i >= len(required) {
			key = fmt.Sprintf("check.recommended_sections[%d]", i-len(required))
		}
		names := append([]string{s.Name}, s.Aliases...)
		for j, name := range names {
			k := key + ".name"
			if j > 0 {
				k = fmt.Sprintf("%s.aliases[%d]", key, j-1)
			}
			norm := normalizeHeading(name)
			if norm == "" {
				v.fail(k, "a section needs a name with letters or digits", key)
				continue
			}
			if owner, dup := seen[norm]; dup {
				v.fail(k, fmt.Sprintf("this heading already belongs to %s", owner), key)
			}
			seen[norm] = key
		}
	}
}

// ruleOverrides checks check.rules against the default rule set, so that an
// unknown rule id is reported at its line rather than when the check runs.
func (v *validator) ruleOverrides(o analysis.RuleOverrides) {
	defaults, err := analysis.DefaultRules()
	if err != nil {
		v.fail("check.rules", "cannot load the default language rules: "+err.Error())
		return
	}
	known := make([]string, 0, len(defaults))
	for _, r := range defaults {
		known = append(known, r.ID)
	}
	for i, id := range o.Disable {
		if !slices.Contains(known, id) {
			v.fail(fmt.Sprintf("check.rules.disable[%d]", i), unknownRule(id, known))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(o.Severity)) {
		key := "check.rules.severity." + id
		if !slices.Contains(known, id) {
			v.fail(key, unknownRule(id, known))
		}
		if sev := o.Severity[id]; !validSeverity(sev) {
			v.fail(key, "must be error, warning or info")
		}
	}
	for i, r := range o.Add {
		key := fmt.Sprintf("check.rules.add[%d]", i)
		if strings.TrimSpace(r.ID) == "" {
			v.fail(key+".id", "an added rule needs an id", key)
		}
		if field, msg := addedRuleProblem(r); msg != "" {
			v.fail(key+"."+field, msg, key)
		}
		if slices.Contains(known, r.ID) {
			v.fail(key+".id", "a default rule already has this id; change that rule with check.rules.severity or check.rules.disable", key)
		}
		for j := range i {
			if o.Add[j].ID == r.ID {
				v.fail(key+".id", fmt.Sprintf("check.rules.add[%d] already has this id", j), key)
			}
		}
	}
	if _, err := analysis.ApplyOverrides(defaults, o); err != nil {
		// Whatever the checks above missed; the analysis's message may quote
		// the file, so only the kind of problem is reported.
		v.fail("check.rules", "the rules cannot be applied; check each added rule's fields")
	}
}

func unknownRule(id string, known []string) string {
	msg := "unknown rule id"
	if near := didyoumean.Nearest(id, known, 2); near != "" {
		msg += fmt.Sprintf("; did you mean %q?", near)
	}
	return msg
}

func validSeverity(s analysis.Severity) bool {
	return s == analysis.SeverityError || s == analysis.SeverityWarning || s == analysis.SeverityInfo
}

func notASeverity(string, []string) string {
	return "must be one of severity.labels"
}

// normalizeHeading matches headings the way the analysis does: case and
// punctuation do not count, apostrophes vanish ("Lesson's" ~ "lessons").
func normalizeHeading(s string) string {
	var words []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	}) {
		w = strings.NewReplacer("'", "", "’", "").Replace(strings.ToLower(w))
		if w != "" {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

// repoPathProblem says what is wrong with a path inside the repository, or "".
func repoPathProblem(p string) string {
	switch {
	case strings.TrimSpace(p) == "":
		return "must be a path inside the repository, like \"postmortems\""
	case strings.HasPrefix(p, "/") || strings.Contains(p, "\\"):
		return "must be a relative path with forward slashes"
	case path.Clean(p) != strings.TrimSuffix(p, "/") || p == "." || strings.HasPrefix(p, "../") || p == "..":
		return "must be a plain path inside the repository (no \".\", \"..\" or \"//\")"
	}
	return ""
}

// branchPrefixProblem applies the parts of git's ref name rules a prefix can break.
func branchPrefixProblem(p string) string {
	switch {
	case p == "":
		return "must not be empty"
	case strings.HasPrefix(p, "/") || strings.HasPrefix(p, "-") || strings.HasPrefix(p, "."):
		return "must not start with /, - or ."
	case strings.ContainsAny(p, " ~^:?*[\\\t\n") || strings.Contains(p, "..") || strings.Contains(p, "//") || strings.Contains(p, "@{") || strings.Contains(p, "/."):
		return "must be a valid start of a git branch name (no spaces, ~ ^ : ? * [ \\, \"..\", \"//\" or \"@{\")"
	}
	return ""
}
