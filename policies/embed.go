// Package policies holds the defaults a repository gets when it configures
// nothing: the postmortem template, the language rules and the policy itself.
package policies

import "embed"

// FS holds every default file of this folder.
//
//go:embed postmortem.yml rules.yml postmortem.md.tmpl
var FS embed.FS
