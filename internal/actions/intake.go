package actions

import (
	"strings"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
)

// DependsOnPolicy: only label changes need the action-item label.
func (*Handler) DependsOnPolicy(d *event.Delivery) bool {
	return d.Event == "issues" && (d.Action == "labeled" || d.Action == "unlabeled")
}

// WantsUnder decides with the repository's remembered policy: a label
// change matters only to an issue that carries (or just lost) the
// action-item label, since an item's issue without it is dropped already.
// Everything else is decided as Wants does.
func (h *Handler) WantsUnder(d *event.Delivery, f event.PolicyFacts) bool {
	if d.Event == "issues" && (d.Action == "labeled" || d.Action == "unlabeled") {
		if f.ActionItemLabel == "" || !h.Wants(d) {
			return false
		}
		if strings.EqualFold(d.Summary.Label, f.ActionItemLabel) {
			return true
		}
		for _, l := range d.Summary.IssueLabels {
			if strings.EqualFold(l, f.ActionItemLabel) {
				return true
			}
		}
		return false
	}
	return h.Wants(d)
}
