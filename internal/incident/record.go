package incident

import (
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/draft"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// readRecord turns an issue and its timeline into the draft's incident. The
// bot's own comments stay out of the drafted timeline.
func readRecord(iss *github.Issue, events []*github.Timeline, repoFull string, p *policy.Policy, botLogin string) draft.Incident {
	var labels, responders []string
	for _, l := range iss.Labels {
		labels = append(labels, l.GetName())
	}
	for _, a := range iss.Assignees {
		responders = append(responders, a.GetLogin())
	}
	inc := draft.Incident{
		Number:     iss.GetNumber(),
		Title:      iss.GetTitle(),
		URL:        iss.GetHTMLURL(),
		Repository: repoFull,
		Severity:   p.SeverityOf(labels),
		Labels:     labels,
		Responders: responders,
		OpenedAt:   iss.GetCreatedAt().Time.UTC(),
	}
	if iss.GetState() == "closed" && iss.ClosedAt != nil {
		closed := iss.GetClosedAt().Time.UTC()
		inc.ClosedAt = &closed
	}
	if !inc.OpenedAt.IsZero() {
		inc.Timeline = append(inc.Timeline, draft.TimelineEntry{At: inc.OpenedAt, Actor: iss.GetUser().GetLogin(), Kind: "opened"})
	}
	for _, e := range events {
		at := e.GetCreatedAt().Time.UTC()
		actor := e.GetActor().GetLogin()
		entry := draft.TimelineEntry{At: at, Actor: actor, Kind: e.GetEvent()}
		switch e.GetEvent() {
		case "labeled", "unlabeled":
			entry.Text = e.GetLabel().GetName()
			if e.GetEvent() == "labeled" && inc.LabeledAt == nil && p.IsIncident([]string{entry.Text}) {
				inc.LabeledAt = &at
			}
		case "assigned", "unassigned":
			entry.Text = e.GetAssignee().GetLogin()
		case "commented":
			author := e.GetUser().GetLogin()
			if author == "" {
				author = actor
			}
			if isBot(author, botLogin) || strings.Contains(e.GetBody(), markerPrefix) {
				continue
			}
			entry.Actor, entry.Text = author, e.GetBody()
		case "cross-referenced":
			entry.Text = describeSource(e.GetSource(), repoFull)
			if entry.Text == "" {
				continue
			}
			src := e.GetSource().GetIssue().GetRepository()
			entry.SourceRepo, entry.SourcePrivate = src.GetFullName(), src.GetPrivate()
		case "referenced":
			entry.Text = shortSHA(e.GetCommitID())
		case "closed", "reopened":
		case "renamed":
			entry.Text = e.GetRename().GetTo()
		default:
			continue
		}
		inc.Timeline = append(inc.Timeline, entry)
	}
	inc.LimitTimeline(p.Postmortem.TimelineLimit)
	return inc
}

// commentsIn lists the comments among timeline events.
func commentsIn(events []*github.Timeline) []repo.Comment {
	var out []repo.Comment
	for _, e := range events {
		if e.GetEvent() != "commented" {
			continue
		}
		author := e.GetUser().GetLogin()
		if author == "" {
			author = e.GetActor().GetLogin()
		}
		out = append(out, repo.Comment{ID: e.GetID(), Author: author, Body: e.GetBody()})
	}
	return out
}

// describeSource names the issue or pull request that mentioned the incident.
func describeSource(src *github.Source, repoFull string) string {
	iss := src.GetIssue()
	if iss == nil || iss.GetNumber() == 0 {
		return ""
	}
	kind := "issue"
	if iss.IsPullRequest() {
		kind = "pull request"
	}
	ref := fmt.Sprintf("#%d", iss.GetNumber())
	if full := iss.GetRepository().GetFullName(); full != "" && !strings.EqualFold(full, repoFull) {
		ref = full + ref
	}
	if title := iss.GetTitle(); title != "" {
		return fmt.Sprintf("%s %s: %s", kind, ref, title)
	}
	return kind + " " + ref
}

func shortSHA(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// isBot reports whether login is the app (when the app's login is known yet).
func isBot(login, botLogin string) bool {
	return login != "" && botLogin != "" && strings.EqualFold(login, botLogin)
}

// labelNames lists an issue's labels.
func labelNames(iss *github.Issue) []string {
	var out []string
	for _, l := range iss.Labels {
		out = append(out, l.GetName())
	}
	return out
}

func hasLabel(labels []string, name string) bool {
	for _, l := range labels {
		if strings.EqualFold(strings.TrimSpace(l), name) {
			return true
		}
	}
	return false
}
