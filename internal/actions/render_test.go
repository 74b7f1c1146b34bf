package actions

import (
	"strings"
	"testing"
	"time"
)

func TestOwnerLineIsRewrittenOnlyInTheAppsPartOfTheBody(t *testing.T) {
	t.Parallel()
	it := actionItem{Key: "postmortems/a.md#add-a-retry-budget", Path: "postmortems/a.md", Owner: "@alice",
		Due: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)}
	app := issueBody(it, issueSource{WebURL: "https://github.com", Owner: "acme", Repo: "shop", Path: it.Path, SHA: "abc"})
	quote := "\n\nPeople wrote:\n- **Owner:** @mallory (a quote, not the app's line)\n"
	for _, tc := range []struct {
		name, body, want string
		ok               bool
	}{
		{"app body", app, strings.Replace(app, "- **Owner:** @alice\n", "- **Owner:** @acme/sre\n", 1), true},
		{"text after the app's part", app + quote, strings.Replace(app, "- **Owner:** @alice\n", "- **Owner:** @acme/sre\n", 1) + quote, true},
		{"CRLF from GitHub's editor", strings.ReplaceAll(app, "\n", "\r\n"),
			strings.ReplaceAll(strings.Replace(app, "- **Owner:** @alice\n", "- **Owner:** @acme/sre\n", 1), "\n", "\r\n"), true},
		{"owner line deleted by a person", strings.Replace(app, "- **Owner:** @alice\n", "", 1) + quote,
			strings.Replace(app, "- **Owner:** @alice\n", "", 1) + quote, false},
		{"another item's marker", strings.Replace(app, "#add-a-retry-budget", "#other", 1),
			strings.Replace(app, "#add-a-retry-budget", "#other", 1), false},
	} {
		got, ok := withOwner(tc.body, it.Key, "@acme/sre")
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: ok %v (want %v), body:\n%q\nwant:\n%q", tc.name, ok, tc.ok, got, tc.want)
		}
	}
}
