package policy

import (
	"regexp"

	"gopkg.in/yaml.v3"
)

// Bounds on a policy file. A policy is read from places anyone with push
// access (or a pull request) controls, so its cost is bounded before it is
// decoded; docs/configuration.md lists these limits.
const (
	// MaxFileBytes is the largest policy file read; a larger one is an
	// error without being downloaded (see Fetch).
	MaxFileBytes = 64 << 10
	// MaxListLength bounds every list and mapping in a policy file.
	MaxListLength = 100
	// maxNodes bounds the YAML nodes of one file, whatever their shape.
	maxNodes = 20000
)

// mapKeyPattern is what a key of a policy map (a priority, a rule id) may be.
var mapKeyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// screen walks the parsed file once before anything is decoded: anchors and
// aliases are refused (an alias can make a small file expand without bound),
// and no list or mapping may be longer than MaxListLength.
func (d *decoder) screen(root *yaml.Node) error {
	count := 0
	var walk func(n *yaml.Node) error
	walk = func(n *yaml.Node) error {
		count++
		if count > maxNodes {
			return d.errorAt(n, "", "the file has more than %d values; a policy file is much smaller", maxNodes)
		}
		switch {
		case n.Kind == yaml.AliasNode:
			return d.errorAt(n, "", "aliases (*name) are not allowed in a policy file; write the value out")
		case n.Anchor != "":
			return d.errorAt(n, "", "anchors (&name) are not allowed in a policy file; write the value out where it is used")
		case n.Kind == yaml.SequenceNode && len(n.Content) > MaxListLength:
			return d.errorAt(n, "", "a list here may hold at most %d entries, got %d", MaxListLength, len(n.Content))
		case n.Kind == yaml.MappingNode && len(n.Content)/2 > MaxListLength:
			return d.errorAt(n, "", "a mapping here may hold at most %d keys, got %d", MaxListLength, len(n.Content)/2)
		}
		for _, c := range n.Content {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root)
}
