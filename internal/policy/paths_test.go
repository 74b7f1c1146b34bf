package policy

import (
	"strings"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/draft"
)

func TestPostmortemPath(t *testing.T) {
	d := draft.FileNameData{Date: "2024-05-14", Slug: "checkout-502s", Number: 482}
	cases := []struct{ yaml, want string }{
		{"", "postmortems/2024-05-14-482-checkout-502s.md"},
		{"postmortem:\n  directory: docs/incidents/\n  filename: \"{number}/{slug}.md\"\n", "docs/incidents/482/checkout-502s.md"},
		{"postmortem:\n  filename: \"{year}/INC-{number}.md\"\n", "postmortems/2024/INC-482.md"},
		// The old template syntax, translated for the three fields it had.
		{"postmortem:\n  filename: \"{{.Date}}-{{ .Slug }}.md\"\n", "postmortems/2024-05-14-checkout-502s.md"},
		{"postmortem:\n  filename: \"{{.Number}}/{{.Slug}}.md\"\n", "postmortems/482/checkout-502s.md"},
	}
	for _, c := range cases {
		p := mustParse(t, c.yaml)
		got, err := p.PostmortemPath(d)
		if err != nil {
			t.Errorf("%q: %v", c.yaml, err)
			continue
		}
		if got != c.want {
			t.Errorf("PostmortemPath = %q, want %q", got, c.want)
		}
		if !p.MatchesPostmortemPath(got) {
			t.Errorf("MatchesPostmortemPath(%q) = false for its own path", got)
		}
	}
}

func TestPostmortemPathRefusesUnsafeNames(t *testing.T) {
	p := mustParse(t, "postmortem:\n  filename: \"{slug}.md\"\n")
	for _, slug := range []string{"", "../../etc/passwd", "a/../../b"} {
		if got, err := p.PostmortemPath(draft.FileNameData{Slug: slug, Number: 1}); err == nil {
			t.Errorf("slug %q gave %q, want an error", slug, got)
		} else if !strings.Contains(err.Error(), "#1") {
			t.Errorf("error lacks the incident: %v", err)
		}
	}
}

func TestMatchesPostmortemPath(t *testing.T) {
	p := mustParse(t, "postmortem:\n  template: postmortems/template.md\n")
	for path, want := range map[string]bool{
		"postmortems/2024-05-14-outage.md": true,
		"postmortems/2024/outage.md":       true,
		"postmortems/Outage.MD":            true,
		"postmortems/README.md":            false,
		"postmortems/template.md":          false,
		"postmortems/notes.txt":            false,
		"postmortems/.md":                  false,
		"postmortems.md":                   false,
		"docs/postmortems/outage.md":       false,
		"postmortems-old/outage.md":        false,
		"postmortems/../secrets/outage.md": false,
		"postmortems//outage.md":           false,
	} {
		if got := p.MatchesPostmortemPath(path); got != want {
			t.Errorf("MatchesPostmortemPath(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestBranchNameIsPrefixAndIncidentNumber(t *testing.T) {
	if got := mustParse(t, "").BranchName(482); got != "postmortem/incident-482" {
		t.Errorf("default: %q", got)
	}
	if got := mustParse(t, "postmortem:\n  branch_prefix: pm/\n").BranchName(7); got != "pm/7" {
		t.Errorf("custom: %q", got)
	}
}
