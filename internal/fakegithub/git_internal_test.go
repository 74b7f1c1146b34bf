package fakegithub

import (
	"testing"
	"time"
)

func TestGitObjectIDsAreGitsOwn(t *testing.T) {
	r := &repo{objects: map[string]gitObject{}, refs: map[string]string{}}
	// Values from `git hash-object` and `git mktree` on the same content.
	if got := r.store(blobObject{content: []byte("hello\n")}); got != "ce013625030ba8dba906f756967f9e9ca394464a" {
		t.Errorf("blob id = %s", got)
	}
	tree := r.buildTree(map[string]fileEntry{"hello.txt": {mode: "100644", sha: "ce013625030ba8dba906f756967f9e9ca394464a"}})
	if tree != "aaa96ced2d9a1c8e72c56b253a0e2fe78393feb7" {
		t.Errorf("tree id = %s", tree)
	}
	ann := signature{name: "ann", email: "ann@example.com", date: time.Unix(1700000000, 0)}
	// git commit-tree with GIT_{AUTHOR,COMMITTER}_{NAME,EMAIL,DATE} set to ann's.
	if got := r.store(commitObject{tree: tree, message: "first\n", author: ann, committer: ann}); got != "1d49f3a521cb3f803a08d78f75b3595767e2256e" {
		t.Errorf("commit id = %s", got)
	}
}
