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
	"time"

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
	// NotCompared counts earlier incidents not indexed yet that the
	// search had no time for (see indexBudget).
	NotCompared int
	// Repeat is the best match that still has open corrective actions,
	// nil when none has.
	Repeat *draft.RelatedIncident
}

// searched is a repository the search reads: this incident's, or (with
// related_incidents.across_org) another of its owner's.
type searched struct {
	c    *repo.Client
	ref  repo.Ref
	home bool // the incident's own repository
	// actions are its action-item issues by incident; actionOf the
	// incident of each action-item issue.
	actions  map[int][]draft.ActionRef
	actionOf map[int]int
}

// keyOf names an incident of the repository for the ranking and the draft:
// "#N" at home, "owner/name#N" elsewhere.
func (r searched) keyOf(number int) string {
	if r.home {
		return "#" + strconv.Itoa(number)
	}
	return r.ref.String() + "#" + strconv.Itoa(number)
}

// findRelated ranks earlier incidents against this one (internal/related)
// and returns the best matches with their corrective actions. Requests per
// repository searched: one listing of the issues of each incident label and
// one of the action-item issues (a request per 100), and for each earlier
// incident not indexed yet or changed since, its timeline, the files of up
// to maxLinkedPulls merged pull requests it links and its postmortem file
// (at most 5 each); plus this incident's timeline and linked files (at most
// 4). The (re)indexing runs under an indexBudget shared by every repository
// searched, so a run reads at most 6 + 5 × maxIndexedPerRun (56) for the
// incident's repository whatever max_candidates is, 6 once its index is
// current; earlier incidents it does not reach are counted in NotCompared.
func (s *session) findRelated(ctx context.Context, p *policy.Policy) (relatedSearch, error) {
	if !p.Related.Enabled {
		return relatedSearch{}, nil
	}
	repos, err := s.searchedRepos(ctx, p)
	if err != nil {
		return relatedSearch{}, err
	}
	excluded := append(slices.Clone(p.Incident.Labels), p.Severity.Labels...)
	var earlier []related.Incident
	type found struct {
		entry indexEntry
		in    *searched
	}
	byKey := map[string]found{}
	budget := budgetFor(ctx)
	for k := range repos {
		r := &repos[k]
		issues, err := s.earlierIncidents(ctx, p, *r)
		if err == nil && len(issues) > 0 {
			r.actions, r.actionOf, err = actionIssues(ctx, p, r.c)
		}
		var entries []indexEntry
		if err == nil {
			left := budget.notCompared
			entries, err = s.h.indexedWithin(ctx, p, *r, issues, &budget)
			if err == nil && budget.notCompared > left {
				s.h.scheduleIndexing(ctx, r.ref)
			}
		}
		if err != nil && !r.home {
			// Another repository that cannot be read (uninstalled, gone,
			// failing) must not hold up this incident's draft.
			s.log.Warn().Err(err).Str("searched", r.ref.String()).Msg("related incidents: skipping a repository")
			continue
		}
		if err != nil {
			return relatedSearch{}, err
		}
		for _, e := range entries {
			key := r.keyOf(e.Number)
			byKey[key] = found{e, r}
			ri := related.Incident{Key: key, Text: e.Text, Labels: without(e.Labels, excluded), Files: e.Files, Reverted: e.Reverted}
			for _, a := range r.actions[e.Number] {
				ri.Actions = append(ri.Actions, a.Number)
			}
			ri.Actions = append(ri.Actions, mentionedActions(e.Text, r.actionOf)...)
			if !r.home {
				// Files and issue numbers of another repository are not
				// this one's: only labels and words compare.
				ri.Files, ri.Reverted, ri.Actions = nil, nil, nil
			}
			earlier = append(earlier, ri)
		}
	}
	if budget.notCompared > 0 {
		s.log.Info().Int("not_compared", budget.notCompared).Int("compared", len(earlier)).
			Msg("related incidents: the search ran out of time; the rest are indexed by later runs")
	}
	if len(earlier) == 0 {
		return relatedSearch{NotCompared: budget.notCompared}, nil
	}
	now, err := s.thisIncident(ctx, p, excluded, repos[0].actionOf)
	if err != nil {
		return relatedSearch{}, err
	}
	ms := related.Rank(now, earlier, p.Related.MinScore, related.DefaultWeights)
	if len(ms) > p.Related.MaxShown {
		ms = ms[:p.Related.MaxShown]
	}
	out := relatedSearch{NotCompared: budget.notCompared}
	for _, m := range ms {
		f := byKey[m.Key]
		e, r := f.entry, f.in
		ri := draft.RelatedIncident{Number: e.Number, Title: e.Title, URL: webURL(s.h.env.WebURL, r.ref, "issues", strconv.Itoa(e.Number)),
			Reasons: m.Reasons, Actions: r.actions[e.Number]}
		if !r.home {
			ri.Repository = r.ref.String()
		}
		if e.Postmortem != "" {
			ri.Postmortem, ri.PostmortemURL = e.Postmortem, webURL(s.h.env.WebURL, r.ref, "blob/HEAD", escapePath(e.Postmortem))
		}
		out.Matches = append(out.Matches, ri)
	}
	for k := range out.Matches {
		if len(openActions(out.Matches[k])) > 0 {
			out.Repeat = &out.Matches[k]
			break
		}
	}
	return out, nil
}

// searchedRepos is the incident's repository first, then, with
// related_incidents.across_org, the other repositories of the same owner
// and installation that the app has recorded (every repository it received
// a webhook from), by name.
func (s *session) searchedRepos(ctx context.Context, p *policy.Policy) ([]searched, error) {
	home := repo.Ref{InstallationID: s.key.InstallationID, RepoID: s.key.RepoID, Owner: s.key.Owner, Name: s.key.Name}
	out := []searched{{c: s.api, ref: home, home: true, actionOf: map[int]int{}}}
	if !p.Related.AcrossOrg {
		return out, nil
	}
	all, err := s.h.env.DB.Repositories(ctx)
	if err != nil {
		return nil, err
	}
	sort.Slice(all, func(a, b int) bool { return all[a].Name < all[b].Name })
	for _, r := range all {
		if r.ID == home.RepoID || r.InstallationID != home.InstallationID || !strings.EqualFold(r.Owner, home.Owner) {
			continue
		}
		ref := repo.Ref{InstallationID: r.InstallationID, RepoID: r.ID, Owner: r.Owner, Name: r.Name}
		c, err := s.h.env.Client(ref)
		if err != nil {
			return nil, err
		}
		out = append(out, searched{c: c, ref: ref, actionOf: map[int]int{}})
	}
	return out, nil
}

// earlierIncidents are a repository's incident issues opened before this
// one, the most recent first, at most max_candidates.
func (s *session) earlierIncidents(ctx context.Context, p *policy.Policy, r searched) ([]repo.Issue, error) {
	opened := s.issue.GetCreatedAt().Time
	return incidentsOf(ctx, p, r.c, func(i repo.Issue) bool {
		return (r.home && i.Number < s.key.Number) || (!r.home && i.CreatedAt.Before(opened))
	})
}

// incidentsOf are a repository's incident issues that keep accepts, the
// most recent first, at most max_candidates.
func incidentsOf(ctx context.Context, p *policy.Policy, c *repo.Client, keep func(repo.Issue) bool) ([]repo.Issue, error) {
	byNumber := map[int]repo.Issue{}
	for _, l := range p.Incident.Labels {
		list, err := c.Issues(ctx, repo.IssueQuery{State: "all", Labels: []string{l}})
		if err != nil {
			return nil, err
		}
		for _, i := range list {
			if keep(i) {
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

// actionIssues are the action-item issues the app opened in a repository,
// by the incident their body names, and the incident of each issue number.
// While the app's bot login is unknown none can be trusted, and none is
// used.
func actionIssues(ctx context.Context, p *policy.Policy, c *repo.Client) (map[int][]draft.ActionRef, map[int]int, error) {
	byIncident, owner := map[int][]draft.ActionRef{}, map[int]int{}
	marked, err := c.AppIssuesMarked(ctx, repo.IssueQuery{State: "all", Labels: []string{p.ActionItems.Label}}, func(body string) string {
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

// indexedWithin is the index entries of a repository's earlier incidents
// (most recent first, as earlierIncidents lists them). Current entries are
// used as they are; missing and due ones are read from GitHub while the
// budget lasts. A due entry not reached is used as it was indexed; a missing
// one is left out and counted in the budget's notCompared.
func (h *Handler) indexedWithin(ctx context.Context, p *policy.Policy, r searched, issues []repo.Issue, b *indexBudget) ([]indexEntry, error) {
	idx, now := h.related, h.env.Clock.Now().Unix()
	entries := make([]indexEntry, len(issues))
	states := make([]entryState, len(issues))
	for k, i := range issues {
		e, found, err := idx.get(ctx, r.ref.RepoID, i.Number)
		if err != nil {
			return nil, err
		}
		entries[k], states[k] = e, entryStateOf(e, found, i.UpdatedAt.Unix(), now)
	}
	// Reads in flight when the budget ends are abandoned, not awaited.
	indexCtx, cancel := context.WithDeadline(ctx, b.until)
	defer cancel()
	for _, k := range indexOrder(states) {
		if !b.take(time.Now()) {
			break
		}
		e, err := h.index(indexCtx, p, r, issues[k], now)
		if err != nil && indexCtx.Err() != nil && ctx.Err() == nil {
			break // out of time: this entry waits for a later run
		}
		if err != nil {
			return nil, err
		}
		entries[k], states[k] = e, entryCurrent
		b.indexed++
	}
	out := make([]indexEntry, 0, len(issues))
	for k, e := range entries {
		if states[k] == entryMissing {
			b.notCompared++
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// index reads an earlier incident from GitHub and stores its index entry.
func (h *Handler) index(ctx context.Context, p *policy.Policy, r searched, i repo.Issue, now int64) (indexEntry, error) {
	files, reverted, postmortem, err := linkedFiles(ctx, p, r.c, i.Number)
	if err != nil {
		return indexEntry{}, err
	}
	text := i.Title + "\n" + i.Body
	if postmortem != "" {
		content, ok, err := r.c.File(ctx, postmortem, "")
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
	e := indexEntry{Number: i.Number, IssueUpdatedAt: i.UpdatedAt.Unix(), Title: i.Title, Text: text, Labels: i.Labels,
		Files: files, Reverted: reverted, Postmortem: postmortem, IndexedAt: now}
	return e, h.related.put(ctx, r.ref.RepoID, e)
}

// linkedFiles reads the files touched by the merged pull requests an
// incident's timeline links (up to maxLinkedPulls, the latest merged
// first): reverts' files also as reverted, and a pull request adding a
// postmortem gives its path instead.
func linkedFiles(ctx context.Context, p *policy.Policy, c *repo.Client, number int) (files, reverted []string, postmortem string, err error) {
	pulls, err := c.PullsReferencing(ctx, number)
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
		pf, err := c.PullFiles(ctx, pr.Number)
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
	files, reverted, _, err := linkedFiles(ctx, p, s.api, s.key.Number)
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
	refs := make([]string, len(open))
	for i, a := range open {
		refs[i] = r.ActionRef(a.Number)
	}
	s.log.Info().Str("earlier", r.Ref()).Strs("open_actions", refs).Msg("repeat incident")
	return s.h.related.noteRepeat(ctx, s.key.RepoID, s.key.Number, s.issue.GetTitle(), r.Repository, r.Number, refs, s.h.env.Clock.Now())
}

func repeatBody(r draft.RelatedIncident, open []draft.ActionRef) string {
	var b strings.Builder
	b.WriteString(marker.Repeat + "\n")
	fmt.Fprintf(&b, "**This looks like a repeat of %s** (%s). ", r.Ref(), oneLine(r.Title))
	if len(r.Reasons) > 0 {
		fmt.Fprintf(&b, "Why: %s.\n\n", oneLine(strings.Join(r.Reasons, "; ")))
	}
	b.WriteString("Its corrective actions still open, so the fix for last time has not shipped:\n\n")
	for _, a := range open {
		fmt.Fprintf(&b, "- %s %s\n", r.ActionRef(a.Number), oneLine(a.Title))
	}
	b.WriteString("\nThe postmortem draft lists it under Related Incidents.\n")
	return b.String()
}

func oneLine(s string) string { return mention.Neutralise(strings.Join(strings.Fields(s), " ")) }

// webURL links a page of a repository on GitHub's web site.
func webURL(base string, r repo.Ref, kind, rest string) string {
	return fmt.Sprintf("%s/%s/%s/%s/%s", strings.TrimRight(base, "/"), r.Owner, r.Name, kind, rest)
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		parts[i] = url.PathEscape(part)
	}
	return strings.Join(parts, "/")
}
