package incident

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/postmortem-bot/postmortem-bot/internal/draft"
	"github.com/postmortem-bot/postmortem-bot/internal/marker"
	"github.com/postmortem-bot/postmortem-bot/internal/mention"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/related"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// Bounds on what the search reads from GitHub for one incident.
const (
	// maxLinkedPulls is how many merged pull requests linked from one
	// incident have their files read.
	maxLinkedPulls = 3
	// maxIndexedText bounds the text kept per incident in the index.
	maxIndexedText = 16 << 10
	// reindexAfter is how long an entry without a known postmortem is
	// trusted before it is read again.
	reindexAfterSeconds = 3600
)

// relatedSearch is what the search found for a new incident.
type relatedSearch struct {
	Matches []draft.RelatedIncident
	// Repeat is the best match that still has open corrective actions,
	// nil when none has.
	Repeat *draft.RelatedIncident
}

// findRelated ranks the repository's earlier incidents against this one
// (internal/related) and returns the best matches with their corrective
// actions. Requests: one listing of the issues of each incident label and
// one of the action-item issues (a request per 100), this incident's
// timeline and the files of up to maxLinkedPulls merged pull requests it
// links (at most 4), and for each earlier incident not indexed yet or
// changed since, the same plus its postmortem file (at most 5 each): at
// most 6 + 5 × max_candidates for a first search, 6 once the index is
// current.
func (s *session) findRelated(ctx context.Context, p *policy.Policy) (relatedSearch, error) {
	if !p.Related.Enabled {
		return relatedSearch{}, nil
	}
	earlierIssues, err := s.earlierIncidents(ctx, p)
	if err != nil || len(earlierIssues) == 0 {
		return relatedSearch{}, err
	}
	actions, actionOwner, err := s.actionIssues(ctx, p)
	if err != nil {
		return relatedSearch{}, err
	}
	excluded := append(slices.Clone(p.Incident.Labels), p.Severity.Labels...)
	var earlier []related.Incident
	entries := map[string]indexEntry{}
	for _, i := range earlierIssues {
		e, err := s.indexed(ctx, p, i)
		if err != nil {
			return relatedSearch{}, err
		}
		key := "#" + strconv.Itoa(i.Number)
		entries[key] = e
		ri := related.Incident{Key: key, Text: e.Text, Labels: without(e.Labels, excluded), Files: e.Files, Reverted: e.Reverted}
		for _, a := range actions[i.Number] {
			ri.Actions = append(ri.Actions, a.Number)
		}
		ri.Actions = append(ri.Actions, mentionedActions(e.Text, actionOwner)...)
		earlier = append(earlier, ri)
	}
	now, err := s.thisIncident(ctx, p, excluded, actionOwner)
	if err != nil {
		return relatedSearch{}, err
	}
	ms := related.Rank(now, earlier, p.Related.MinScore, related.DefaultWeights)
	if len(ms) > p.Related.MaxShown {
		ms = ms[:p.Related.MaxShown]
	}
	var out relatedSearch
	for _, m := range ms {
		e := entries[m.Key]
		r := draft.RelatedIncident{Number: e.Number, Title: e.Title, URL: s.webURL("issues", strconv.Itoa(e.Number)),
			Reasons: m.Reasons, Actions: actions[e.Number]}
		if e.Postmortem != "" {
			r.Postmortem, r.PostmortemURL = e.Postmortem, s.webURL("blob/HEAD", escapePath(e.Postmortem))
		}
		out.Matches = append(out.Matches, r)
	}
	for k := range out.Matches {
		if len(openActions(out.Matches[k])) > 0 {
			out.Repeat = &out.Matches[k]
			break
		}
	}
	return out, nil
}

// earlierIncidents are the incident issues opened before this one (lower
// numbers), the most recent first, at most max_candidates.
func (s *session) earlierIncidents(ctx context.Context, p *policy.Policy) ([]repo.Issue, error) {
	byNumber := map[int]repo.Issue{}
	for _, l := range p.Incident.Labels {
		list, err := s.api.Issues(ctx, repo.IssueQuery{State: "all", Labels: []string{l}})
		if err != nil {
			return nil, err
		}
		for _, i := range list {
			if i.Number < s.key.Number {
				byNumber[i.Number] = i
			}
		}
	}
	out := make([]repo.Issue, 0, len(byNumber))
	for _, i := range byNumber {
		out = append(out, i)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Number > out[b].Number })
	if len(out) > p.Related.MaxCandidates {
		out = out[:p.Related.MaxCandidates]
	}
	return out, nil
}

// actionIssues are the action-item issues the app opened, by the incident
// their body names, and the incident of each issue number. While the app's
// bot login is unknown none can be trusted, and none is used.
func (s *session) actionIssues(ctx context.Context, p *policy.Policy) (map[int][]draft.ActionRef, map[int]int, error) {
	byIncident, owner := map[int][]draft.ActionRef{}, map[int]int{}
	marked, err := s.api.AppIssuesMarked(ctx, repo.IssueQuery{State: "all", Labels: []string{p.ActionItems.Label}}, func(body string) string {
		if marker.ActionItemOf(body) == "" {
			return ""
		}
		return strconv.Itoa(marker.ItemIncidentOf(body)) + " " + marker.ActionItemOf(body)
	})
	if errors.Is(err, repo.ErrBotUnknown) {
		return byIncident, owner, nil
	}
	if err != nil {
		return nil, nil, err
	}
	for _, i := range marked {
		n := marker.ItemIncidentOf(i.Body)
		if n == 0 {
			continue
		}
		byIncident[n] = append(byIncident[n], draft.ActionRef{Number: i.Number, Title: i.Title, Open: i.State == "open"})
		owner[i.Number] = n
	}
	for n := range byIncident {
		sort.Slice(byIncident[n], func(a, b int) bool { return byIncident[n][a].Number < byIncident[n][b].Number })
	}
	return byIncident, owner, nil
}

// indexed is an earlier incident's index entry, read again from GitHub when
// missing, when its issue changed, or while no merged postmortem is known
// (at most hourly).
func (s *session) indexed(ctx context.Context, p *policy.Policy, i repo.Issue) (indexEntry, error) {
	idx, now := s.h.related, s.h.env.Clock.Now().Unix()
	e, found, err := idx.get(ctx, s.key.RepoID, i.Number)
	if err != nil {
		return indexEntry{}, err
	}
	if found && e.IssueUpdatedAt == i.UpdatedAt.Unix() && (e.Postmortem != "" || now-e.IndexedAt < reindexAfterSeconds) {
		return e, nil
	}
	files, reverted, postmortem, err := s.linkedFiles(ctx, p, i.Number)
	if err != nil {
		return indexEntry{}, err
	}
	text := i.Title + "\n" + i.Body
	if postmortem != "" {
		content, ok, err := s.api.File(ctx, postmortem, "")
		if err != nil {
			return indexEntry{}, err
		}
		if ok {
			text += "\n" + related.CauseText(string(content))
		} else {
			postmortem = "" // not on the default branch (yet)
		}
	}
	if len(text) > maxIndexedText {
		text = text[:maxIndexedText]
	}
	e = indexEntry{Number: i.Number, IssueUpdatedAt: i.UpdatedAt.Unix(), Title: i.Title, Text: text, Labels: i.Labels,
		Files: files, Reverted: reverted, Postmortem: postmortem, IndexedAt: now}
	return e, idx.put(ctx, s.key.RepoID, e)
}

// linkedFiles reads the files touched by the merged pull requests an
// incident's timeline links (up to maxLinkedPulls, the latest merged
// first): reverts' files also as reverted, and a pull request adding a
// postmortem gives its path instead.
func (s *session) linkedFiles(ctx context.Context, p *policy.Policy, number int) (files, reverted []string, postmortem string, err error) {
	pulls, err := s.api.PullsReferencing(ctx, number)
	if err != nil {
		return nil, nil, "", err
	}
	var merged []repo.PullRef
	for _, pr := range pulls {
		if !pr.MergedAt.IsZero() {
			merged = append(merged, pr)
		}
	}
	sort.SliceStable(merged, func(a, b int) bool { return merged[a].MergedAt.After(merged[b].MergedAt) })
	if len(merged) > maxLinkedPulls {
		merged = merged[:maxLinkedPulls]
	}
	dir := strings.Trim(p.Postmortem.Directory, "/") + "/"
	for _, pr := range merged {
		pf, err := s.api.PullFiles(ctx, pr.Number)
		if err != nil {
			return nil, nil, "", err
		}
		isPostmortem := false
		for _, f := range pf {
			if strings.HasPrefix(f.Path, dir) && strings.HasSuffix(f.Path, ".md") && !f.Removed() {
				isPostmortem, postmortem = true, f.Path
			}
		}
		if isPostmortem {
			continue
		}
		revert := isRevert(pr.Title)
		for _, f := range pf {
			if !slices.Contains(files, f.Path) {
				files = append(files, f.Path)
			}
			if revert && !slices.Contains(reverted, f.Path) {
				reverted = append(reverted, f.Path)
			}
		}
	}
	return files, reverted, postmortem, nil
}

// thisIncident is the new incident as the ranking reads it.
func (s *session) thisIncident(ctx context.Context, p *policy.Policy, excluded []string, actionOwner map[int]int) (related.Incident, error) {
	files, reverted, _, err := s.linkedFiles(ctx, p, s.key.Number)
	if err != nil {
		return related.Incident{}, err
	}
	text := s.issue.GetTitle() + "\n" + s.issue.GetBody()
	comments, err := s.comments(ctx)
	if err != nil {
		return related.Incident{}, err
	}
	mentions := text
	for _, c := range comments {
		if !s.api.WrittenByApp(c.Author) {
			mentions += "\n" + c.Body
		}
	}
	return related.Incident{Key: "#" + strconv.Itoa(s.key.Number), Text: text, Labels: without(labelNames(s.issue), excluded),
		Files: files, Reverted: reverted, Actions: mentionedActions(mentions, actionOwner)}, nil
}

var issueRef = regexp.MustCompile(`(?:^|[^\w/])#(\d+)\b`)

// mentionedActions are the action-item issues text mentions by number.
func mentionedActions(text string, actionOwner map[int]int) []int {
	var out []int
	for _, m := range issueRef.FindAllStringSubmatch(text, 200) {
		n, err := strconv.Atoi(m[1])
		if err == nil && actionOwner[n] != 0 && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// isRevert recognises GitHub's revert pull requests ("Revert \"…\"").
func isRevert(title string) bool { return strings.HasPrefix(strings.ToLower(title), "revert ") }

func without(labels, excluded []string) []string {
	var out []string
	for _, l := range labels {
		if !slices.ContainsFunc(excluded, func(x string) bool { return strings.EqualFold(x, l) }) {
			out = append(out, l)
		}
	}
	return out
}

func openActions(r draft.RelatedIncident) []draft.ActionRef {
	var out []draft.ActionRef
	for _, a := range r.Actions {
		if a.Open {
			out = append(out, a)
		}
	}
	return out
}

// noteRepeat says once on the new incident that an earlier incident that
// looks like the same failure still has open corrective actions, and
// records it (for the status issue and /metrics). The comment is found by
// its marker in what the app wrote before it is made.
func (s *session) noteRepeat(ctx context.Context, rs relatedSearch) error {
	if rs.Repeat == nil {
		return nil
	}
	r := *rs.Repeat
	open := openActions(r)
	comments, err := s.comments(ctx)
	if err != nil {
		return err
	}
	if _, found, err := s.api.FindMarked(comments, marker.Repeat); err != nil {
		return err
	} else if !found {
		if _, err := s.api.CreateComment(ctx, s.key.Number, repeatBody(r, open)); err != nil {
			return fmt.Errorf("say %s repeats #%d: %w", s.key, r.Number, err)
		}
	}
	numbers := make([]int, len(open))
	for i, a := range open {
		numbers[i] = a.Number
	}
	s.log.Info().Int("earlier", r.Number).Ints("open_actions", numbers).Msg("repeat incident")
	return s.h.related.noteRepeat(ctx, s.key.RepoID, s.key.Number, s.issue.GetTitle(), r.Number, numbers, s.h.env.Clock.Now())
}

func repeatBody(r draft.RelatedIncident, open []draft.ActionRef) string {
	var b strings.Builder
	b.WriteString(marker.Repeat + "\n")
	fmt.Fprintf(&b, "**This looks like a repeat of #%d** (%s). ", r.Number, oneLine(r.Title))
	if len(r.Reasons) > 0 {
		fmt.Fprintf(&b, "Why: %s.\n\n", oneLine(strings.Join(r.Reasons, "; ")))
	}
	b.WriteString("Its corrective actions still open, so the fix for last time has not shipped:\n\n")
	for _, a := range open {
		fmt.Fprintf(&b, "- #%d %s\n", a.Number, oneLine(a.Title))
	}
	b.WriteString("\nThe postmortem draft lists it under Related Incidents.\n")
	return b.String()
}

func oneLine(s string) string { return mention.Neutralise(strings.Join(strings.Fields(s), " ")) }

// webURL links a page of the repository on GitHub's web site.
func (s *session) webURL(kind, rest string) string {
	return fmt.Sprintf("%s/%s/%s/%s/%s", strings.TrimRight(s.h.env.WebURL, "/"), s.key.Owner, s.key.Name, kind, rest)
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		parts[i] = url.PathEscape(part)
	}
	return strings.Join(parts, "/")
}
