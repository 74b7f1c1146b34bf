package check

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// policyChange is a pull request's own version of a policy file. The review
// still runs under the base branch's policy (a pull request cannot loosen
// its own check), but a broken policy is reported before it can land.
type policyChange struct {
	Path string
	// Problem is nil when the file is valid.
	Problem *policy.Error
	// Remote names the other repository's policy the file refers to, which
	// is read only once the change is in effect.
	Remote string
}

// readPolicyChange reads and validates the pull request's version of a
// policy file, at its head. The file is sized before it is downloaded; an
// oversized one is reported like any other invalid policy.
func readPolicyChange(ctx context.Context, gh *repo.Client, a ReviewArgs, path string) (policyChange, error) {
	content, err := gh.PolicyFile(ctx, a.HeadSHA, path)
	var perr *policy.Error
	switch {
	case errors.As(err, &perr):
		return policyChange{Path: path, Problem: perr}, nil
	case err != nil:
		return policyChange{}, fmt.Errorf("read %s at %s: %w", path, a.HeadSHA, err)
	case content == nil:
		return checkPolicyChange(path, nil, "GitHub did not list the file at the pull request's head, so it could not be read.", a.Owner), nil
	}
	return checkPolicyChange(path, content, "", a.Owner), nil
}

// checkPolicyChange validates the content a pull request gives a policy
// file of a repository of owner; unreadable explains content GitHub could
// not serve.
func checkPolicyChange(path string, content []byte, unreadable, owner string) policyChange {
	ch := policyChange{Path: path}
	if unreadable != "" {
		ch.Problem = &policy.Error{File: path, Message: unreadable}
		return ch
	}
	// The loader follows a file holding only a remote reference before
	// parsing anything, so such a file is not a policy to parse here; the
	// reference itself must keep to the rules the loader enforces.
	ref, err := policy.CheckRemote(path, content, owner)
	if err != nil {
		if !errors.As(err, &ch.Problem) {
			ch.Problem = &policy.Error{File: path, Key: "remote", Message: "the remote reference cannot be read"}
		}
		return ch
	}
	if ref != nil {
		ch.Remote = ref.Remote
		if ref.Path != "" {
			ch.Remote += ":" + ref.Path
		}
		if ref.Ref != "" {
			ch.Remote += "@" + ref.Ref
		}
		return ch
	}
	if _, err := policy.Parse(path, content); err != nil {
		if !errors.As(err, &ch.Problem) {
			ch.Problem = &policy.Error{File: path, Message: err.Error()}
		}
	}
	return ch
}

func (ch policyChange) summaryLine() string {
	switch {
	case ch.Problem != nil:
		return fmt.Sprintf("- `%s` — policy change: invalid: %s", placeOf(ch.Problem), problemOf(ch.Problem))
	case ch.Remote != "":
		return fmt.Sprintf("- `%s` — policy change: refers to `%s`, which is read and checked only once this change is merged.", ch.Path, ch.Remote)
	default:
		return fmt.Sprintf("- `%s` — policy change: valid.", ch.Path)
	}
}

func (ch policyChange) annotation() annotation {
	a := annotation{
		Path: ch.Path, StartLine: max(ch.Problem.Line, 1), Level: "failure",
		Title: "invalid-policy", Message: truncate(problemOf(ch.Problem), maxMessageBytes),
	}
	a.EndLine = a.StartLine
	if ch.Problem.Column > 0 {
		a.StartColumn, a.EndColumn = ch.Problem.Column, ch.Problem.Column
	}
	return a
}

// withPolicyChanges adds the pull request's policy changes to rep, the
// report on its postmortems (empty when it changes none). An invalid change
// fails the check whatever the mode: merged, it would stop every feature.
func withPolicyChanges(rep report, changes []policyChange) report {
	if len(changes) == 0 {
		return rep
	}
	var b strings.Builder
	b.WriteString("### Policy change\n\n")
	var invalid []policyChange
	for _, ch := range changes {
		b.WriteString(ch.summaryLine() + "\n")
		if ch.Problem != nil {
			invalid = append(invalid, ch)
		}
	}
	b.WriteString("\nThis pull request's policy applies only once it is merged; ")
	if rep.empty() {
		b.WriteString("it changes no postmortem, so there is nothing else to check.\n\n")
	} else {
		b.WriteString("the postmortems here were checked against the base branch's policy.\n\n")
	}
	if len(invalid) > 0 {
		b.WriteString("Fix the policy file before merging: once merged, an invalid policy keeps postmortem-bot from working in this repository.\n\n")
	}

	switch {
	case len(invalid) > 0:
		title := "Invalid policy change: " + placeOf(invalid[0].Problem)
		if !rep.empty() {
			title += "; " + rep.Title
		}
		rep.Conclusion, rep.Title = conclusionFailure, title
	case rep.empty():
		rep.Conclusion, rep.Title = conclusionSuccess, "Policy change is valid"
	}
	rep.Title = truncate(rep.Title, 255)
	rep.Summary = truncate(strings.TrimRight(b.String()+rep.Summary, "\n")+"\n", maxSummaryBytes)

	anns := make([]annotation, 0, len(invalid)+len(rep.Annotations))
	for _, ch := range invalid {
		anns = append(anns, ch.annotation())
	}
	anns = append(anns, rep.Annotations...)
	rep.Annotations = anns[:min(len(anns), maxAnnotations)]
	return rep
}
