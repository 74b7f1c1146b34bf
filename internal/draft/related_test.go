package draft

import (
	"strings"
	"testing"
	"time"
)

func TestRelatedAndChangesSections(t *testing.T) {
	at := time.Date(2026, 3, 4, 11, 0, 0, 0, time.UTC)
	inc := Incident{
		Related: []RelatedIncident{{Number: 12, Title: "Retry storm @oncall", URL: "https://github.com/a/b/issues/12",
			Postmortem: "postmortems/x.md", PostmortemURL: "https://github.com/a/b/blob/HEAD/postmortems/x.md",
			Reasons: []string{"shared labels: checkout"}, Actions: []ActionRef{{Number: 14, Title: "Budget", Open: true}, {Number: 15, Title: "Alert"}}},
			{Number: 9, Title: "Old", URL: "u"}},
		ChangesWindow: 24 * time.Hour,
		Changes: []Change{{At: at, Pull: 40, Title: "Raise | retries for @team", Author: "dana"},
			{At: at.Add(-time.Hour), Pull: 39, Title: `Revert "x"`, Author: "erin", Revert: true},
			{At: at.Add(-2 * time.Hour), Environment: "production", Ref: "abc1234", Author: "deploybot"}},
		ChangesTruncated: 2,
	}
	for _, tc := range []struct {
		name, got string
		want      []string
		not       []string
	}{
		{"related", inc.RelatedIncidents(), []string{
			"## Related Incidents",
			"- [#12](https://github.com/a/b/issues/12) Retry storm @\u200doncall — postmortem: [postmortems/x.md](https://github.com/a/b/blob/HEAD/postmortems/x.md)",
			"  - Why: shared labels: checkout",
			"  - Corrective actions: #14 Budget (**open**), #15 Alert (closed)",
			"- [#9](u) Old — no postmortem yet", "  - Corrective actions: none tracked"}, []string{"@oncall"}},
		{"changes", inc.ChangesBefore(), []string{
			"### Changes in the 24 hours before the incident started",
			"| 2026-03-04 11:00 | #40 Raise \\| retries for @\u200dteam | dana |",
			"| **revert** #39 Revert",
			"| 2026-03-04 09:00 | deployment of abc1234 to production | deploybot |",
			"_2 more left out"}, []string{"@team"}},
		{"no related", Incident{}.RelatedIncidents(), nil, []string{"Related"}},
		{"related, search partial", Incident{Related: inc.Related[:1], RelatedNotCompared: 7}.RelatedIncidents(), []string{
			"## Related Incidents\n\n_7 earlier incidents were not compared yet:", "- [#12]("}, []string{"No earlier incident"}},
		{"none found, search partial", Incident{RelatedNotCompared: 1}.RelatedIncidents(), []string{
			"## Related Incidents", "_1 earlier incident was not compared yet:", "No earlier incident among those compared"}, []string{"<!--"}},
		{"changes off", Incident{}.ChangesBefore(), nil, []string{"Changes"}},
		{"no changes in the window", Incident{ChangesWindow: 72 * time.Hour}.ChangesBefore(), []string{"in the 3 days before", "No pull request merged"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, w := range tc.want {
				if !strings.Contains(tc.got, w) {
					t.Errorf("lacks %q:\n%s", w, tc.got)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(tc.got, w) {
					t.Errorf("has %q:\n%s", w, tc.got)
				}
			}
		})
	}
}
