package actions

import (
	"context"
	"strings"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/marker"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// How a closed item's issue was closed: the loop is closed to code only
// when a merged pull request shipped the fix.
const (
	closedFixed    = "fixed"    // a merged pull request of the repository references it
	closedDeclined = "declined" // closed as not planned
	closedOther    = "closed"   // closed some other way
)

// closure is how an item's issue was closed.
type closure struct {
	As     string // closedFixed, closedDeclined or closedOther
	By     string // who closed it (declined: who declined it)
	Pull   int    // fixed: the merged pull request
	Reason string // declined: the reason given, one line
}

// maxReason bounds a decline reason copied from a comment.
const maxReason = 300

// closureOf decides how a closed issue was closed. Declined: GitHub says
// "not planned"; the reason is the app's decline note if one exists (it
// names who ran the command), else the latest comment by whoever closed
// it. Fixed: a pull request that references the issue merged; the one
// merged last before the issue closed is shown (or, when all merged after,
// the first). Anything else is closed. byApp tells the app's own comments.
func closureOf(i repo.Issue, pulls []repo.PullRef, comments []repo.Comment, byApp func(string) bool) closure {
	if i.StateReason == "not_planned" {
		c := closure{As: closedDeclined, By: i.ClosedBy}
		for k := len(comments) - 1; k >= 0; k-- {
			cm := comments[k]
			if byApp(cm.Author) {
				if by, reason, ok := marker.DeclineOf(cm.Body); ok {
					c.By, c.Reason = by, reason
					break
				}
				continue
			}
			if c.Reason == "" && i.ClosedBy != "" && strings.EqualFold(cm.Author, i.ClosedBy) {
				c.Reason = cm.Body
			}
		}
		c.Reason = shortLine(c.Reason, maxReason)
		return c
	}
	var best, first *repo.PullRef
	for k := range pulls {
		p := &pulls[k]
		if p.MergedAt.IsZero() {
			continue
		}
		if first == nil || p.MergedAt.Before(first.MergedAt) {
			first = p
		}
		if (i.ClosedAt.IsZero() || !p.MergedAt.After(i.ClosedAt)) && (best == nil || p.MergedAt.After(best.MergedAt)) {
			best = p
		}
	}
	if best == nil {
		best = first
	}
	if best != nil {
		return closure{As: closedFixed, By: i.ClosedBy, Pull: best.Number}
	}
	return closure{As: closedOther, By: i.ClosedBy}
}

// shortLine is text on one line, cut to at most n runes.
func shortLine(s string, n int) string {
	r := []rune(oneLineRaw(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

// readClosure asks GitHub how a closed issue was closed: its comments for
// a declined one, the pull requests referencing it otherwise (one or two
// listings, every page).
func (s *session) readClosure(ctx context.Context, i repo.Issue) (closure, error) {
	var pulls []repo.PullRef
	var comments []repo.Comment
	var err error
	if i.StateReason == "not_planned" {
		comments, err = s.c.Comments(ctx, i.Number, time.Time{})
	} else {
		pulls, err = s.c.PullsReferencing(ctx, i.Number)
	}
	if err != nil {
		return closure{}, err
	}
	return closureOf(i, pulls, comments, s.c.WrittenByApp), nil
}
