package policy

import (
	"fmt"
	"path"
	"strings"

	"github.com/postmortem-bot/postmortem-bot/internal/draft"
)

// PostmortemPath is where a new postmortem for an incident goes: the
// directory joined with postmortem.filename, its fields substituted.
func (p *Policy) PostmortemPath(d draft.FileNameData) (string, error) {
	parts, msg := parseFilename(p.Postmortem.Filename)
	if msg != "" {
		return "", fmt.Errorf("postmortem.filename: %s", msg)
	}
	if d.Slug == "" {
		return "", fmt.Errorf("postmortem path for incident #%d: empty slug", d.Number)
	}
	full := path.Join(p.Postmortem.Directory, expandFilename(parts, d))
	if msg := repoPathProblem(full); msg != "" || !strings.HasSuffix(full, ".md") || !p.MatchesPostmortemPath(full) {
		return "", fmt.Errorf("postmortem.filename for incident #%d does not give a Markdown file under %s", d.Number, p.Postmortem.Directory)
	}
	return full, nil
}

// MatchesPostmortemPath reports whether a repository path is a postmortem:
// a .md file anywhere under postmortem.directory, except README.md files and
// the policy's own template.
func (p *Policy) MatchesPostmortemPath(file string) bool {
	dir := strings.TrimSuffix(p.Postmortem.Directory, "/") + "/"
	if !strings.HasPrefix(file, dir) || path.Clean(file) != file {
		return false
	}
	base := path.Base(file)
	if !strings.HasSuffix(strings.ToLower(base), ".md") || len(base) == len(".md") {
		return false
	}
	if strings.EqualFold(base, "README.md") || file == p.Postmortem.Template {
		return false
	}
	return true
}

// BranchName is the branch of an incident's postmortem pull request: the
// prefix followed by the incident number. It is the draft's idempotency key.
func (p *Policy) BranchName(incident int) string {
	return fmt.Sprintf("%s%d", p.Postmortem.BranchPrefix, incident)
}
