package policy

import (
	"bytes"
	"regexp"
	"strings"
	"sync/atomic"

	"gopkg.in/yaml.v3"
)

// RemoteRef is a policy file that only points at a policy kept elsewhere:
//
//	remote: acme/policies            # a repository of the same owner
//	path: .github/postmortem-strict.yml
//	ref: main
type RemoteRef struct {
	Remote string // owner/name
	Path   string // defaults to Paths[0]
	Ref    string // "" = the default branch
}

// remoteSpec is a parsed reference with where each key was written.
type remoteSpec struct {
	RemoteRef
	line, column int
	nodes        map[string]*yaml.Node
}

var (
	// remotePathPattern is a policy-shaped path: a YAML file directly in
	// the repository's .github folder. Nothing else may be read this way.
	remotePathPattern = regexp.MustCompile(`^\.github/[A-Za-z0-9_-][A-Za-z0-9._-]*\.ya?ml$`)
	remoteRepoPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$`)
	remoteRefPattern  = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}$`)
)

// allowedRemotes are the repositories (owner/name, lower case) besides each
// owner's .github repository that a policy may refer to, from the server's
// policy_remotes setting. One server process has one setting.
var allowedRemotes atomic.Pointer[map[string]bool]

// AllowRemotes sets the repositories a remote reference may name besides the
// owner's .github repository: "owner/name" each, still only for policies of
// that same owner. The server calls it once at start.
func AllowRemotes(repos []string) {
	m := make(map[string]bool, len(repos))
	for _, r := range repos {
		m[strings.ToLower(strings.TrimSpace(r))] = true
	}
	allowedRemotes.Store(&m)
}

func remoteAllowed(owner, name string) bool {
	if strings.EqualFold(name, orgRepo) {
		return true
	}
	m := allowedRemotes.Load()
	return m != nil && (*m)[strings.ToLower(owner+"/"+name)]
}

// parseRemote reads a file as a remote reference: a mapping whose keys are
// remote (required), path and ref, all strings. Anything else is not a
// reference (nil), and Parse reports what is wrong with it as a policy.
func parseRemote(file string, content []byte) (*remoteSpec, error) {
	if len(content) > MaxFileBytes {
		return nil, nil
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(content)).Decode(&doc); err != nil || len(doc.Content) != 1 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, nil
	}
	spec := &remoteSpec{nodes: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "remote", "path", "ref":
		default:
			return nil, nil
		}
		if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
			return nil, &Error{File: file, Line: v.Line, Column: v.Column, Key: k.Value, Message: "must be a string, got " + describe(v)}
		}
		spec.nodes[k.Value] = v
	}
	remote, ok := spec.nodes["remote"]
	if !ok {
		return nil, nil
	}
	spec.line, spec.column = remote.Line, remote.Column
	spec.Remote = remote.Value
	if n := spec.nodes["path"]; n != nil {
		spec.Path = n.Value
	}
	if n := spec.nodes["ref"]; n != nil {
		spec.Ref = n.Value
	}
	return spec, nil
}

// CheckRemote says whether a policy file is a remote reference, and whether
// the reference may be followed for a repository of owner: it must name the
// owner's .github repository (or one the server allows, see AllowRemotes), a
// policy-shaped path (.github/NAME.yml or .yaml) and a plain ref. It returns
// nil for a file that is not a reference, and an *Error at the offending key
// that never quotes the file.
func CheckRemote(file string, content []byte, owner string) (*RemoteRef, error) {
	spec, err := parseRemote(file, content)
	if spec == nil || err != nil {
		return nil, err
	}
	at := func(key, msg string) error {
		n := spec.nodes[key]
		return &Error{File: file, Line: n.Line, Column: n.Column, Key: key, Message: msg}
	}
	repoOwner, name, _ := strings.Cut(spec.Remote, "/")
	switch {
	case !remoteRepoPattern.MatchString(spec.Remote):
		return nil, at("remote", "must name a repository as owner/name")
	case !strings.EqualFold(repoOwner, owner) || !remoteAllowed(repoOwner, name):
		return nil, at("remote", "must name the same owner's .github repository, or a repository the app's settings allow (policy_remotes)")
	}
	if spec.Path == "" {
		spec.Path = Paths[0]
	} else if !remotePathPattern.MatchString(spec.Path) || strings.Contains(spec.Path, "..") {
		return nil, at("path", "must be a YAML file directly in the .github folder, like .github/postmortem.yml")
	}
	if spec.Ref != "" && (!remoteRefPattern.MatchString(spec.Ref) || strings.Contains(spec.Ref, "..")) {
		return nil, at("ref", "must be a branch, tag or commit SHA")
	}
	return &spec.RemoteRef, nil
}
