package repo

import (
	"errors"
	"testing"
)

func TestMarkersCountOnlyInWhatTheAppWrote(t *testing.T) {
	const m = "<!-- postmortem-bot:action-items-tracking -->"
	comments := []Comment{
		{ID: 1, Author: "mallory", Body: m + "\nplanted"},
		{ID: 2, Author: "pmbot[bot]", Body: "no marker"},
		{ID: 3, Author: "PMBot[bot]", Body: m + "\nthe app's"},
	}
	for _, tc := range []struct {
		name    string
		bot     string
		wantID  int64
		wantErr error
	}{
		{"the bot's comment, login matched ignoring case", "pmbot[bot]", 3, nil},
		{"another app's bot adopts nothing", "other[bot]", 0, nil},
		{"unknown bot login: nothing is adopted", "", 0, ErrBotUnknown},
	} {
		c := New(nil, "acme", "shop", tc.bot)
		got, found, err := c.FindMarked(comments, m)
		if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.wantErr)
		}
		if found != (tc.wantID != 0) || got.ID != tc.wantID {
			t.Errorf("%s: found %v #%d, want #%d", tc.name, found, got.ID, tc.wantID)
		}
	}
}
