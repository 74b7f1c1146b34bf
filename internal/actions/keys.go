package actions

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/draft"
)

// itemKeys gives each action item of one postmortem a key that survives
// edits elsewhere in the file: the slug of its title, numbered when two
// items share a title. The key is part of the issue's hidden marker.
func itemKeys(items []analysis.ActionItem) []string {
	seen := map[string]int{}
	keys := make([]string, len(items))
	for i, it := range items {
		base := draft.Slug(it.Title)
		seen[base]++
		if n := seen[base]; n > 1 {
			keys[i] = fmt.Sprintf("%s-%d", base, n)
			continue
		}
		keys[i] = base
	}
	return keys
}

// incidentFromFrontMatter reads an "incident:" field ("#12", "12" or an
// issue URL of this repository) from the document's YAML front matter.
func incidentFromFrontMatter(src []byte, owner, repo string) int {
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		return 0
	}
	end := strings.Index(text[4:], "\n---")
	if end < 0 {
		return 0
	}
	for _, line := range strings.Split(text[4:4+end], "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "incident") {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		if n, ok := issueNumber(v, owner, repo); ok {
			return n
		}
	}
	return 0
}

var issueURLRE = regexp.MustCompile(`^https?://[^/]+/([^/]+)/([^/]+)/(?:issues|pull)/(\d+)(?:[#?/].*)?$`)

// issueNumber reads "#12", "12" or an issue URL. ok is false when the text
// is none of these or the URL points at another repository.
func issueNumber(ref, owner, repo string) (int, bool) {
	ref = strings.TrimSpace(ref)
	if m := issueURLRE.FindStringSubmatch(ref); m != nil {
		if !strings.EqualFold(m[1], owner) || !strings.EqualFold(m[2], repo) {
			return 0, false
		}
		ref = m[3]
	}
	n, err := strconv.Atoi(strings.TrimPrefix(ref, "#"))
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}
