package policy

import (
	"fmt"
	"path"
	"strings"
	"text/template"

	"github.com/postmortem-bot/postmortem-bot/internal/draft"
)

// PostmortemPath is where a new postmortem for an incident goes: the
// directory joined with the rendered file name template.
func (p *Policy) PostmortemPath(d draft.FileNameData) (string, error) {
	t, err := template.New("filename").Option("missingkey=error").Parse(p.Postmortem.Filename)
	if err != nil {
		return "", fmt.Errorf("postmortem.filename: %w", err)
	}
	if d.Slug == "" {
		return "", fmt.Errorf("postmortem path for incident #%d: empty slug", d.Number)
	}
	name, err := executeFilename(t, d)
	if err != nil {
		return "", fmt.Errorf("postmortem.filename for incident #%d: %w", d.Number, err)
	}
	full := path.Join(p.Postmortem.Directory, name)
	if msg := repoPathProblem(full); msg != "" || !strings.HasSuffix(full, ".md") || !p.MatchesPostmortemPath(full) {
		return "", fmt.Errorf("postmortem.filename for incident #%d gives %q, not a Markdown file under %s", d.Number, full, p.Postmortem.Directory)
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
