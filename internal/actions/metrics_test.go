package actions_test

import (
	"strings"
	"testing"
	"time"
)

func TestMetricsCountOpenOverdueAndTimeToClose(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	w.deliverMerge(t, path, postmortem(twoItems))
	metric := func(name string) string {
		lines := w.Metric(name + " ")
		if len(lines) != 1 {
			t.Fatalf("metric %s: %q", name, lines)
		}
		return strings.TrimPrefix(lines[0], name+" ")
	}
	if got := metric("postmortem_bot_action_items_open"); got != "2" {
		t.Errorf("open = %s, want 2", got)
	}
	if got := metric("postmortem_bot_action_items_overdue"); got != "0" {
		t.Errorf("overdue = %s, want 0", got)
	}
	w.Clock.Advance(10 * 24 * time.Hour) // past 2026-03-10
	if got := metric("postmortem_bot_action_items_overdue"); got != "1" {
		t.Errorf("overdue = %s, want 1", got)
	}
	w.closeItem(w.issueTitled(t, "Add a retry budget").Number)
	if got := metric("postmortem_bot_action_items_open"); got != "1" {
		t.Errorf("open after closing = %s, want 1", got)
	}
	if got := metric("postmortem_bot_action_item_time_to_close_seconds_count"); got != "1" {
		t.Errorf("time-to-close observations = %s, want 1", got)
	}
	if got := metric("postmortem_bot_action_item_time_to_close_seconds_sum"); got != "864000" {
		t.Errorf("time to close = %s s, want 864000 (10 days)", got)
	}
}
