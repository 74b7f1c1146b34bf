package draft

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"text/template"
	"time"

	"github.com/postmortem-bot/postmortem-bot/policies"
)

// defaultTemplatePath is the built-in template inside the policies folder.
const defaultTemplatePath = "postmortem.md.tmpl"

// DefaultTemplate returns the built-in postmortem template, policies/postmortem.md.tmpl.
func DefaultTemplate() (string, error) {
	b, err := policies.FS.ReadFile(defaultTemplatePath)
	if err != nil {
		return "", fmt.Errorf("read built-in template %s: %w", defaultTemplatePath, err)
	}
	return string(b), nil
}

// Render executes a postmortem template (Go text/template) for an incident.
// The template sees the Incident's fields and methods (.Number, .Title,
// .Duration, .TimelineRows, .TimelineTruncated, ...) and these functions:
//
//	utc       a time.Time or *time.Time as "2006-01-02 15:04 UTC" ("" when unknown)
//	date      the same as "2006-01-02"
//	duration  a time.Duration as "1d 2h 5m" ("" when zero)
//	join      join a list with a separator: {{join .Labels ", "}}
//	default   a fallback for an empty value: {{.Severity | default "unknown"}}
//	md        escape text for Markdown
//	mention   a login as "@login"; mentions does the same for a list, comma-separated
//	code      a value as inline code
//
// plus the built-ins and, or, not, len, index, slice, eq, ne, lt, le, gt,
// ge, print and printf. A template runs restricted and under a budget (see
// budget.go); one that breaks the rules or exceeds the budget is an error
// wrapping ErrBudget. Text copied from GitHub reaches the template with its
// mentions neutralised, and cross-references from private repositories
// other than the incident's own are left out.
func Render(tmpl string, inc Incident) ([]byte, error) {
	return RenderContext(context.Background(), tmpl, inc)
}

// RenderContext is Render that also stops when ctx ends.
func RenderContext(ctx context.Context, tmpl string, inc Incident) ([]byte, error) {
	if len(tmpl) > MaxTemplateBytes {
		return nil, fmt.Errorf("%w: the template is %d bytes, over %d", ErrBudget, len(tmpl), MaxTemplateBytes)
	}
	t, err := template.New("postmortem").Option("missingkey=error").Funcs(templateFuncs).Parse(tmpl)
	if err != nil {
		return nil, fmt.Errorf("parse postmortem template: %w", err)
	}
	if err := restrictTemplate(t, tmpl); err != nil {
		return nil, fmt.Errorf("postmortem template: %w", err)
	}
	out := &budgetWriter{ctx: ctx, deadline: time.Now().Add(MaxRenderTime)}
	if err := t.Execute(out, inc.forDraft()); err != nil {
		return nil, fmt.Errorf("render postmortem for incident #%d: %w", inc.Number, err)
	}
	return []byte(out.b.String()), nil
}

var templateFuncs = template.FuncMap{
	"utc":      formatUTC,
	"date":     formatDate,
	"duration": formatDuration,
	"join":     func(list []string, sep string) (string, error) { return bounded(strings.Join(list, sep)) },
	"default":  fallback,
	"md":       func(s string) (string, error) { return bounded(EscapeMarkdown(s)) },
	"mention":  mention,
	"mentions": func(logins []string) (string, error) { return bounded(mentions(logins)) },
	"code":     func(v any) (string, error) { return bounded(codeSpan(fmt.Sprint(v))) },
	"print":    boundedPrint,
	"printf":   boundedPrintf,
}

// formatUTC accepts time.Time and *time.Time so templates can pass .OpenedAt
// and .ClosedAt alike.
func formatUTC(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func formatDate(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func timeOf(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero()
	case *time.Time:
		if t == nil {
			return time.Time{}, false
		}
		return *t, !t.IsZero()
	}
	return time.Time{}, false
}

// formatDuration writes days, hours and minutes, leaving out leading zero units.
func formatDuration(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	if d < time.Minute {
		return "under 1m"
	}
	minutes := int(d / time.Minute)
	days, hours, mins := minutes/(24*60), minutes/60%24, minutes%60
	var parts []string
	if days > 0 {
		parts = append(parts, fmt.Sprintf("%dd", days))
	}
	if days > 0 || hours > 0 {
		parts = append(parts, fmt.Sprintf("%dh", hours))
	}
	parts = append(parts, fmt.Sprintf("%dm", mins))
	return strings.Join(parts, " ")
}

// fallback returns def when v is empty: nil, "", zero, a zero time, an empty list.
func fallback(def any, v any) any {
	if v == nil {
		return def
	}
	if t, ok := v.(time.Time); ok {
		if t.IsZero() {
			return def
		}
		return v
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return def
		}
	case reflect.Slice, reflect.Map, reflect.String, reflect.Array:
		if rv.Len() == 0 {
			return def
		}
	default:
		if rv.IsZero() {
			return def
		}
	}
	return v
}

func mentions(logins []string) string {
	out := make([]string, 0, len(logins))
	for _, l := range logins {
		if m := mention(l); m != "" {
			out = append(out, m)
		}
	}
	return strings.Join(out, ", ")
}
