package draft

import (
	"bytes"
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
func Render(tmpl string, inc Incident) ([]byte, error) {
	t, err := template.New("postmortem").Option("missingkey=error").Funcs(templateFuncs).Parse(tmpl)
	if err != nil {
		return nil, fmt.Errorf("parse postmortem template: %w", err)
	}
	var out bytes.Buffer
	if err := t.Execute(&out, inc); err != nil {
		return nil, fmt.Errorf("render postmortem for incident #%d: %w", inc.Number, err)
	}
	return out.Bytes(), nil
}

var templateFuncs = template.FuncMap{
	"utc":      formatUTC,
	"date":     formatDate,
	"duration": formatDuration,
	"join":     func(list []string, sep string) string { return strings.Join(list, sep) },
	"default":  fallback,
	"md":       EscapeMarkdown,
	"mention":  mention,
	"mentions": mentions,
	"code":     func(v any) string { return codeSpan(fmt.Sprint(v)) },
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
