package policy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/postmortem-bot/postmortem-bot/internal/draft"
)

// A postmortem file name is a fixed substitution, never a template run:
// postmortem.filename is read from the repository, and running code from it
// would let anyone with push access stall the app. The fields are few and
// each is bounded (see draft.FileNameData).
var filenameFields = map[string]func(draft.FileNameData) string{
	"date":   func(d draft.FileNameData) string { return d.Date },
	"year":   func(d draft.FileNameData) string { return yearOf(d.Date) },
	"slug":   func(d draft.FileNameData) string { return d.Slug },
	"number": func(d draft.FileNameData) string { return strconv.Itoa(d.Number) },
}

// fieldList is how errors name the fields.
const fieldList = "{date}, {year}, {slug} and {number}"

// maxFilenameLength bounds postmortem.filename itself.
const maxFilenameLength = 200

// oldField matches the Go template actions the file name used to be written
// in; those that name a field are translated, so existing policies keep working.
var oldField = regexp.MustCompile(`\{\{\s*\.(Date|Slug|Number)\s*\}\}`)

// filenamePart is one piece of a parsed file name: a literal, or a field.
type filenamePart struct {
	literal string
	field   string
}

// parseFilename splits a file name pattern into literals and fields. The
// message of an error says what is wrong without quoting the pattern.
func parseFilename(pattern string) ([]filenamePart, string) {
	if len(pattern) > maxFilenameLength {
		return nil, fmt.Sprintf("must be at most %d characters", maxFilenameLength)
	}
	pattern = oldField.ReplaceAllStringFunc(pattern, func(m string) string {
		return "{" + strings.ToLower(oldField.FindStringSubmatch(m)[1]) + "}"
	})
	if strings.Contains(pattern, "{{") {
		return nil, "Go templates are not run in file names any more; write the fields as " + fieldList + ", e.g. \"{date}-{number}-{slug}.md\""
	}
	var parts []filenamePart
	for rest := pattern; rest != ""; {
		open := strings.IndexAny(rest, "{}")
		if open < 0 {
			parts = append(parts, filenamePart{literal: rest})
			break
		}
		if open > 0 {
			parts = append(parts, filenamePart{literal: rest[:open]})
		}
		if rest[open] == '}' {
			return nil, "has a \"}\" that closes no field; the fields are " + fieldList
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return nil, "has a \"{\" that is never closed; the fields are " + fieldList
		}
		name := rest[open+1 : open+end]
		if _, ok := filenameFields[name]; !ok {
			return nil, "uses an unknown field; the fields are " + fieldList
		}
		parts = append(parts, filenamePart{field: name})
		rest = rest[open+end+1:]
	}
	return parts, ""
}

// expandFilename substitutes d into a parsed file name.
func expandFilename(parts []filenamePart, d draft.FileNameData) string {
	var b strings.Builder
	for _, p := range parts {
		if p.field != "" {
			b.WriteString(filenameFields[p.field](d))
			continue
		}
		b.WriteString(p.literal)
	}
	return b.String()
}

func yearOf(date string) string {
	if y, _, ok := strings.Cut(date, "-"); ok {
		return y
	}
	return date
}

// filenameProblem checks postmortem.filename by naming two sample
// incidents of the same day: both names must be plain Markdown file names,
// and they must differ. Messages never quote the pattern or what it gives.
func filenameProblem(pattern string) string {
	if strings.TrimSpace(pattern) == "" {
		return "must be a file name with fields, like \"{date}-{number}-{slug}.md\""
	}
	parts, msg := parseFilename(pattern)
	if msg != "" {
		return msg
	}
	var names []string
	for _, sample := range []draft.FileNameData{
		{Date: "2024-01-31", Slug: "checkout-outage", Number: 101},
		{Date: "2024-01-31", Slug: "dns-failure", Number: 102},
	} {
		name := expandFilename(parts, sample)
		if !strings.HasSuffix(name, ".md") {
			return "must give a name ending in .md"
		}
		if repoPathProblem(name) != "" {
			return "must give a plain relative file name (no leading \"/\", no \".\" or \"..\" parts, no \"//\" or \"\\\")"
		}
		names = append(names, name)
	}
	if names[0] == names[1] {
		return "gives the same name for every incident; use {number} (or at least {slug})"
	}
	return ""
}
