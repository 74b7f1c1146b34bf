package incident

import (
	"strconv"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

func TestChangeList(t *testing.T) {
	at := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	pulls := []repo.MergedPull{
		{Number: 9, Title: `Revert "Raise retries"`, Author: "erin", MergedAt: at.Add(-time.Hour)},
		{Number: 8, Title: "Raise retries", Author: "dana", MergedAt: at.Add(-3 * time.Hour)},
		{Number: 7, Title: "Docs", Author: "dana", MergedAt: at.Add(-5 * time.Hour)},
	}
	deployments := []repo.Deployment{{Environment: "production", SHA: "0123456789abcdef", Ref: "0123456789abcdef", Creator: "deploybot", CreatedAt: at.Add(-2 * time.Hour)}}
	for _, tc := range []struct {
		name  string
		limit int
		want  []string // "pull/deploy number-or-ref revert?"
		left  int
	}{
		{"all, newest first, reverts marked", 10, []string{"#9 revert", "#0 0123456", "#8", "#7"}, 0},
		{"capped per kind", 1, []string{"#9 revert", "#0 0123456"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, left := changeList(pulls, deployments, tc.limit)
			var keys []string
			for _, c := range got {
				k := "#" + strconv.Itoa(c.Pull)
				if c.Ref != "" {
					k += " " + c.Ref
				}
				if c.Revert {
					k += " revert"
				}
				keys = append(keys, k)
			}
			if len(keys) != len(tc.want) || left != tc.left {
				t.Fatalf("changeList = %v, %d left; want %v, %d left", keys, left, tc.want, tc.left)
			}
			for i := range keys {
				if keys[i] != tc.want[i] {
					t.Errorf("changeList = %v, want %v", keys, tc.want)
					break
				}
			}
		})
	}
}
