package incident

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/postmortem-bot/postmortem-bot/internal/mention"
)

// command is a /postmortem command from an incident comment.
type command struct {
	Verb   string // "open", "skip", "decline" or "help" (anything unrecognised)
	Reason string // skip's and decline's reason
	Target int    // decline: the action-item issue (0 when not given)
}

// parseCommand reads a command from the first non-blank line of a comment.
func parseCommand(body string) (command, bool) {
	var line string
	for _, l := range strings.Split(body, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			line = l
			break
		}
	}
	fields := strings.Fields(line)
	if len(fields) == 0 || !strings.EqualFold(fields[0], "/postmortem") {
		return command{}, false
	}
	if len(fields) == 1 {
		return command{Verb: "open"}, true
	}
	if strings.EqualFold(fields[1], "skip") {
		rest := strings.TrimSpace(line[len(fields[0]):])
		return command{Verb: "skip", Reason: strings.TrimSpace(rest[len("skip"):])}, true
	}
	if strings.EqualFold(fields[1], "decline") {
		cmd := command{Verb: "decline"}
		if len(fields) > 2 {
			if n, err := strconv.Atoi(strings.TrimPrefix(fields[2], "#")); err == nil && n > 0 && strings.HasPrefix(fields[2], "#") {
				cmd.Target = n
				rest := strings.TrimSpace(line[strings.Index(line, fields[2])+len(fields[2]):])
				cmd.Reason = rest
			}
		}
		return cmd, true
	}
	return command{Verb: "help"}, true
}

const usage = "Commands: `/postmortem` opens the postmortem pull request (or tells you where it is); `/postmortem skip <reason>` records that this incident needs no postmortem; `/postmortem decline #N <reason>` declines the corrective action tracked by issue #N (closed as not planned, with the reason)."

// onCommand runs a command and answers it exactly once, keyed by the
// command comment's id.
func (s *session) onCommand(ctx context.Context, commentID int64, author string, cmd command) error {
	comments, err := s.comments(ctx)
	if err != nil {
		return err
	}
	if _, done, err := s.api.FindMarked(comments, replyMarker(commentID)); err != nil || done {
		return err
	}
	text, err := s.runCommand(ctx, commentID, author, cmd)
	if err != nil {
		return err
	}
	if _, err := s.api.CreateComment(ctx, s.key.Number, reply(commentID, text)); err != nil {
		return fmt.Errorf("answer /postmortem on %s: %w", s.key, err)
	}
	return nil
}

// runCommand does what the command asks and returns the reply.
func (s *session) runCommand(ctx context.Context, commentID int64, author string, cmd command) (string, error) {
	allowed, err := s.api.CanWrite(ctx, author)
	if err != nil {
		return "", err
	}
	if !allowed {
		return fmt.Sprintf("Sorry @%s, only people with write access to this repository can run `/postmortem` commands. Please ask one of the incident's responders or a maintainer.", author), nil
	}
	switch cmd.Verb {
	case "help":
		return usage, nil
	case "decline":
		return s.decline(ctx, commentID, author, cmd)
	}
	row, found, err := s.h.db.get(ctx, s.key.RepoID, s.key.Number)
	if err != nil {
		return "", err
	}
	p, ok, err := s.loadPolicy(ctx)
	if err != nil {
		return "", err
	}
	if !ok {
		return "I cannot act on this yet: the postmortem configuration is invalid (see my comment above). Run the command again once it is fixed.", nil
	}
	labels := labelNames(s.issue)
	if cmd.Verb == "skip" {
		return s.skip(ctx, cmd.Reason, p.SeverityOf(labels), p.RequiresPostmortem(p.SeverityOf(labels)), row.PRNumber)
	}
	if found && row.State != stateDrafting && row.PRNumber != 0 {
		return fmt.Sprintf("The postmortem for this incident is in #%d.", row.PRNumber), nil
	}
	if hasLabel(labels, skippedLabel) {
		return fmt.Sprintf("This incident is marked `%s`, so no postmortem is drafted. Remove that label and run `/postmortem` again to draft one.", skippedLabel), nil
	}
	prop, err := s.propose(ctx, p)
	if err != nil {
		return "", err
	}
	switch {
	case prop.PRNumber == 0:
		return "I could not draft the postmortem: see my comment above about the configuration.", nil
	case prop.Created:
		return fmt.Sprintf("Opened #%d with the postmortem draft (`%s`).", prop.PRNumber, prop.Path), nil
	default:
		return fmt.Sprintf("The postmortem for this incident is in #%d.", prop.PRNumber), nil
	}
}

// skip records that the incident needs no postmortem, if its severity allows.
func (s *session) skip(ctx context.Context, reason, severity string, required bool, prNumber int) (string, error) {
	if required {
		sev := severity
		if sev == "" {
			sev = "unknown"
		}
		return fmt.Sprintf("This incident's severity (%s) requires a postmortem, so it cannot be skipped. If the severity is wrong, change its label and try again.", sev), nil
	}
	if reason == "" {
		return "Please give a reason: `/postmortem skip <reason>`.", nil
	}
	if !hasLabel(labelNames(s.issue), skippedLabel) {
		if err := s.api.AddLabels(ctx, s.key.Number, skippedLabel); err != nil {
			return "", err
		}
	}
	if err := s.h.db.setState(ctx, s.key, stateSettled, prNumber, s.h.env.Clock.Now()); err != nil {
		return "", err
	}
	text := fmt.Sprintf("%s\nRecorded: no postmortem will be written for this incident. Reason: %s\n\nIt is labelled `%s`; remove the label to draft one after all.", skippedMarker, mention.Neutralise(reason), skippedLabel)
	if prNumber != 0 {
		text += fmt.Sprintf(" The draft in #%d can be closed.", prNumber)
	}
	return text, nil
}
