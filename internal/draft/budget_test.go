package draft

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestTemplatesThatCouldRunAwayAreRefused(t *testing.T) {
	cases := map[string]string{
		"range over numbers":  "{{range 1000000}}{{range 1000000}}{{end}}{{end}}",
		"range over a call":   "{{range (slice .Labels 0)}}x{{end}}",
		"ranges three deep":   "{{range .Labels}}{{range $.Labels}}{{range $.Labels}}x{{end}}{{end}}{{end}}",
		"define and template": `{{define "a"}}{{template "a" .}}{{end}}{{template "a" .}}`,
		"block":               `{{block "a" .}}x{{end}}`,
		"wide printf":         `{{printf "%0999999999d" 1}}`,
		"printf star width":   `{{printf "%*d" 999999999 1}}`,
		"wide precision":      `{{printf "%.999999999f" 1.0}}`,
		"js escaping":         `{{js .Title}}`,
		"call":                `{{call .Title}}`,
		"oversized template":  strings.Repeat("x", MaxTemplateBytes+1),
	}
	for name, tmpl := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := Render(tmpl, checkoutOutage())
			if !errors.Is(err, ErrBudget) {
				t.Fatalf("err = %v, want ErrBudget", err)
			}
			if took := time.Since(start); took > MaxRenderTime {
				t.Errorf("refusing took %s", took)
			}
		})
	}
}

func TestRenderStopsAtTheOutputBudget(t *testing.T) {
	inc := checkoutOutage()
	inc.Title = strings.Repeat("\\", 200)
	for i := range 1000 {
		inc.Timeline = append(inc.Timeline, TimelineEntry{At: inc.OpenedAt.Add(time.Duration(i) * time.Second), Actor: "kim", Kind: "commented", Text: "x"})
	}
	cases := map[string]string{
		"nested loops":  "{{range .TimelineRows}}{{range $.TimelineRows}}{{$.Title}}{{end}}{{end}}",
		"chained md":    "{{.Title" + strings.Repeat(" | md", 30) + "}}",
		"long join":     `{{range .Timeline}}{{join $.Labels (printf "%s%s%s%s" $.Title $.Title $.Title $.Title)}}{{end}}`,
		"many steps":    "{{range .TimelineRows}}{{range $.TimelineRows}}{{if true}}{{end}}.{{end}}{{end}}",
		"printed title": "{{range .Timeline}}{{range $.Timeline}}{{print $.Title $.Title}}{{end}}{{end}}",
	}
	for name, tmpl := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := Render(tmpl, inc)
			if !errors.Is(err, ErrBudget) {
				t.Fatalf("err = %v (%d bytes), want ErrBudget", err, len(out))
			}
		})
	}
}

func TestRenderHonoursItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	inc := checkoutOutage()
	for i := range 500 {
		inc.Timeline = append(inc.Timeline, TimelineEntry{At: inc.OpenedAt, Kind: "commented", Actor: "kim", Text: fmt.Sprint(i)})
	}
	_, err := RenderContext(ctx, "{{range .TimelineRows}}{{.Event}}\n{{end}}", inc)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestDraftNeutralisesCopiedMentions(t *testing.T) {
	inc := checkoutOutage()
	inc.Title = "Checkout down, @ceo @acme/everyone please look"
	inc.Labels = append(inc.Labels, "@cto")
	inc.Timeline = append(inc.Timeline,
		TimelineEntry{At: at("2024-05-14T10:00:00Z"), Actor: "kim", Kind: "commented", Text: "paging @acme/everyone and @ceo"},
		TimelineEntry{At: at("2024-05-14T10:01:00Z"), Actor: "kim", Kind: "assigned", Text: "@cfo!"},
	)
	for name, tmpl := range map[string]string{
		"built-in template": mustDefault(t),
		"raw fields":        "{{.Title}} {{range .Labels}}{{.}} {{end}}{{range .Timeline}}{{.Text}} {{end}}",
	} {
		out := string(mustRender(t, tmpl, inc))
		for _, m := range []string{"@ceo", "@acme/everyone", "@cto", "@cfo"} {
			if strings.Contains(out, m) {
				t.Errorf("%s: the draft mentions %s:\n%s", name, m, out)
			}
		}
	}
	out := string(mustRender(t, mustDefault(t), inc))
	if !strings.Contains(out, "@mkaur") || !strings.Contains(out, "@jdoe") {
		t.Errorf("responders are no longer mentioned:\n%s", out)
	}
	if got := EscapeMarkdown("ping @ceo"); got != "ping @\u200dceo" {
		t.Errorf("EscapeMarkdown = %q", got)
	}
}

func TestDraftLeavesOutPrivateCrossReferencesFromOtherRepositories(t *testing.T) {
	inc := checkoutOutage()
	inc.Timeline = append(inc.Timeline,
		TimelineEntry{At: at("2024-05-14T10:00:00Z"), Actor: "sec", Kind: "cross-referenced", Text: "issue acme/security-private#7: Token leaked in logs", SourceRepo: "acme/security-private", SourcePrivate: true},
		TimelineEntry{At: at("2024-05-14T10:01:00Z"), Actor: "ops", Kind: "cross-referenced", Text: "issue acme/runbooks#3: Public runbook", SourceRepo: "acme/runbooks"},
		TimelineEntry{At: at("2024-05-14T10:02:00Z"), Actor: "ops", Kind: "cross-referenced", Text: "issue #9: Same repository", SourceRepo: "acme/shop", SourcePrivate: true},
	)
	for name, tmpl := range map[string]string{
		"built-in template": mustDefault(t),
		"raw timeline":      "{{range .Timeline}}{{.Text}}\n{{end}}",
	} {
		out := string(mustRender(t, tmpl, inc))
		if strings.Contains(out, "security-private") || strings.Contains(out, "Token leaked") {
			t.Errorf("%s: a private repository's reference is in the draft:\n%s", name, out)
		}
		for _, want := range []string{"Public runbook", "Same repository"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: %q is missing", name, want)
			}
		}
	}
}

func mustDefault(t *testing.T) string {
	t.Helper()
	tmpl, err := DefaultTemplate()
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func mustRender(t *testing.T, tmpl string, inc Incident) []byte {
	t.Helper()
	out, err := Render(tmpl, inc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
