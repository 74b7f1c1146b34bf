package fakegithub

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"
)

// gitObject is a blob, tree or commit stored under its git object id.
type gitObject interface{ kind() string }

type blobObject struct{ content []byte }

type treeEntry struct {
	name string
	mode string // 100644, 100755, 040000, 120000, 160000
	typ  string // blob, tree, commit
	sha  string
}

type treeObject struct{ entries []treeEntry }

type signature struct {
	name, email string
	date        time.Time
}

type commitObject struct {
	tree      string
	parents   []string
	message   string
	author    signature
	committer signature
}

func (blobObject) kind() string   { return "blob" }
func (treeObject) kind() string   { return "tree" }
func (commitObject) kind() string { return "commit" }

// encode renders the object as git does, so ids are real SHA-1 object ids.
func encodeObject(o gitObject) []byte {
	var payload []byte
	switch obj := o.(type) {
	case blobObject:
		payload = obj.content
	case treeObject:
		var b bytes.Buffer
		for _, e := range obj.entries {
			mode := strings.TrimPrefix(e.mode, "0")
			raw, _ := hex.DecodeString(e.sha)
			fmt.Fprintf(&b, "%s %s\x00", mode, e.name)
			b.Write(raw)
		}
		payload = b.Bytes()
	case commitObject:
		var b bytes.Buffer
		fmt.Fprintf(&b, "tree %s\n", obj.tree)
		for _, p := range obj.parents {
			fmt.Fprintf(&b, "parent %s\n", p)
		}
		fmt.Fprintf(&b, "author %s <%s> %d +0000\n", obj.author.name, obj.author.email, obj.author.date.Unix())
		fmt.Fprintf(&b, "committer %s <%s> %d +0000\n\n", obj.committer.name, obj.committer.email, obj.committer.date.Unix())
		b.WriteString(obj.message)
		payload = b.Bytes()
	}
	head := fmt.Sprintf("%s %d\x00", o.kind(), len(payload))
	return append([]byte(head), payload...)
}

func (r *repo) store(o gitObject) string {
	sum := sha1.Sum(encodeObject(o))
	id := hex.EncodeToString(sum[:])
	r.objects[id] = o
	return id
}

func (r *repo) blob(sha string) (blobObject, bool) {
	o, ok := r.objects[sha].(blobObject)
	return o, ok
}

func (r *repo) tree(sha string) (treeObject, bool) {
	o, ok := r.objects[sha].(treeObject)
	return o, ok
}

func (r *repo) commit(sha string) (commitObject, bool) {
	o, ok := r.objects[sha].(commitObject)
	return o, ok
}

// fileEntry is a blob at a full path in a flattened tree.
type fileEntry struct {
	mode string
	sha  string
}

// files flattens a tree into full paths of its blobs.
func (r *repo) files(treeSHA string) map[string]fileEntry {
	out := map[string]fileEntry{}
	r.walk(treeSHA, "", out)
	return out
}

func (r *repo) walk(treeSHA, prefix string, out map[string]fileEntry) {
	t, ok := r.tree(treeSHA)
	if !ok {
		return
	}
	for _, e := range t.entries {
		full := path.Join(prefix, e.name)
		if e.typ == "tree" {
			r.walk(e.sha, full, out)
			continue
		}
		out[full] = fileEntry{mode: e.mode, sha: e.sha}
	}
}

// buildTree stores the nested trees for a flat set of files and returns the root id.
func (r *repo) buildTree(files map[string]fileEntry) string {
	type dir struct {
		files map[string]fileEntry
		dirs  map[string]map[string]fileEntry
	}
	d := dir{files: map[string]fileEntry{}, dirs: map[string]map[string]fileEntry{}}
	for p, f := range files {
		first, rest, nested := strings.Cut(p, "/")
		if !nested {
			d.files[first] = f
			continue
		}
		if d.dirs[first] == nil {
			d.dirs[first] = map[string]fileEntry{}
		}
		d.dirs[first][rest] = f
	}
	var entries []treeEntry
	for name, f := range d.files {
		typ := "blob"
		if f.mode == "160000" {
			typ = "commit"
		}
		entries = append(entries, treeEntry{name: name, mode: f.mode, typ: typ, sha: f.sha})
	}
	for name, sub := range d.dirs {
		entries = append(entries, treeEntry{name: name, mode: "040000", typ: "tree", sha: r.buildTree(sub)})
	}
	// Git orders entries by name, comparing directories as if they ended in "/".
	sortKey := func(e treeEntry) string {
		if e.typ == "tree" {
			return e.name + "/"
		}
		return e.name
	}
	sort.Slice(entries, func(i, j int) bool { return sortKey(entries[i]) < sortKey(entries[j]) })
	return r.store(treeObject{entries: entries})
}

// lookupPath finds the entry at p inside a tree; "" is the tree itself.
func (r *repo) lookupPath(treeSHA, p string) (treeEntry, bool) {
	p = strings.Trim(p, "/")
	current := treeEntry{mode: "040000", typ: "tree", sha: treeSHA}
	if p == "" {
		return current, true
	}
	for _, part := range strings.Split(p, "/") {
		t, ok := r.tree(current.sha)
		if !ok {
			return treeEntry{}, false
		}
		found := false
		for _, e := range t.entries {
			if e.name == part {
				current, found = e, true
				break
			}
		}
		if !found {
			return treeEntry{}, false
		}
	}
	return current, true
}

// resolve turns a branch, tag, full ref or commit sha into a commit sha.
func (r *repo) resolve(ref string) (string, bool) {
	if ref == "" {
		ref = r.defaultBranch
	}
	for _, candidate := range []string{ref, "refs/" + ref, "refs/heads/" + ref, "refs/tags/" + ref} {
		if sha, ok := r.refs[candidate]; ok {
			return sha, true
		}
	}
	if _, ok := r.commit(ref); ok {
		return ref, true
	}
	return "", false
}

// isAncestor reports whether ancestor is reachable from descendant.
func (r *repo) isAncestor(ancestor, descendant string) bool {
	seen := map[string]bool{}
	queue := []string{descendant}
	for len(queue) > 0 {
		sha := queue[0]
		queue = queue[1:]
		if sha == ancestor {
			return true
		}
		if seen[sha] {
			continue
		}
		seen[sha] = true
		if c, ok := r.commit(sha); ok {
			queue = append(queue, c.parents...)
		}
	}
	return false
}

// commitFiles writes files on top of a branch as one commit and moves the branch.
func (r *repo) commitFiles(branch string, changes map[string][]byte, message string, who signature) (string, error) {
	ref := "refs/heads/" + branch
	parent, ok := r.refs[ref]
	files := map[string]fileEntry{}
	var parents []string
	if ok {
		c, _ := r.commit(parent)
		files = r.files(c.tree)
		parents = []string{parent}
	}
	for p, content := range changes {
		p = strings.Trim(p, "/")
		if p == "" {
			return "", fmt.Errorf("empty file path")
		}
		if content == nil {
			delete(files, p)
			continue
		}
		files[p] = fileEntry{mode: "100644", sha: r.store(blobObject{content: content})}
	}
	sha := r.store(commitObject{tree: r.buildTree(files), parents: parents, message: message, author: who, committer: who})
	r.refs[ref] = sha
	return sha, nil
}
