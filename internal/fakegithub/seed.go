package fakegithub

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// closingPattern finds the keywords that close an issue when a pull request
// merges ("Closes #3", "fixed #4", "resolves #5").
var closingPattern = regexp.MustCompile(`(?i)\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s+#(\d+)\b`)

// AddInstallation installs the App on an account (user or organization),
// with access to the account's repositories, whether added before or after.
func (s *Server) AddInstallation(id int64, account string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.installations[id] != nil {
		s.t.Fatalf("fakegithub: AddInstallation: installation %d already exists", id)
	}
	s.user(account)
	inst := &installation{id: id, account: account, created: s.now()}
	var keys []string
	for key, r := range s.repos {
		if strings.EqualFold(r.owner, account) {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	inst.repos = keys
	s.installations[id] = inst
}

// AddRepo creates owner/name with branch main holding an initial commit
// (a README), and adds it to the installation on owner, if any.
func (s *Server) AddRepo(owner, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(owner + "/" + name)
	if s.repos[key] != nil {
		s.t.Fatalf("fakegithub: AddRepo: %s/%s already exists", owner, name)
	}
	r := &repo{
		id: s.newID(), owner: s.user(owner).login, name: name, defaultBranch: "main", created: s.now(),
		objects: map[string]gitObject{}, refs: map[string]string{}, issues: map[int]*issue{},
		comments: map[int64]*comment{}, labels: map[string]*label{}, permissions: map[string]string{}, suites: map[string]int64{}, referenced: map[string]bool{},
	}
	s.repos[key] = r
	who := noreplySignature(owner, s.now())
	if _, err := r.commitFiles("main", map[string][]byte{"README.md": []byte("# " + name + "\n")}, "Initial commit", who); err != nil {
		s.t.Fatalf("fakegithub: AddRepo: %v", err)
	}
	for _, inst := range s.installations {
		if strings.EqualFold(inst.account, owner) {
			inst.repos = append(inst.repos, key)
		}
	}
}

// mustRepo is called with s.mu held.
func (s *Server) mustRepo(owner, name string) *repo {
	s.t.Helper()
	r := s.repos[strings.ToLower(owner+"/"+name)]
	if r == nil {
		s.t.Fatalf("fakegithub: no repository %s/%s; call AddRepo first", owner, name)
	}
	return r
}

func (s *Server) mustIssue(r *repo, number int) *issue {
	s.t.Helper()
	i := r.issues[number]
	if i == nil {
		s.t.Fatalf("fakegithub: %s has no issue or pull request #%d", r.fullName(), number)
	}
	return i
}

// CreateBranch points refs/heads/branch at the tip of from.
func (s *Server) CreateBranch(owner, name, branch, from string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, name)
	sha, found := r.resolve(from)
	if !found {
		s.t.Fatalf("fakegithub: CreateBranch: %s has no ref %s", r.fullName(), from)
	}
	r.refs["refs/heads/"+branch] = sha
	return sha
}

// CommitFile commits one file on branch (created from the default branch if
// missing) and returns the new commit sha. nil content deletes the file.
func (s *Server) CommitFile(owner, name, branch, path string, content []byte, message string) string {
	return s.CommitFiles(owner, name, branch, map[string][]byte{path: content}, message)
}

// CommitFiles commits several files at once; nil content deletes a file.
func (s *Server) CommitFiles(owner, name, branch string, files map[string][]byte, message string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, name)
	if _, found := r.refs["refs/heads/"+branch]; !found {
		r.refs["refs/heads/"+branch] = r.refs["refs/heads/"+r.defaultBranch]
	}
	who := noreplySignature(r.owner, s.now())
	before := r.refs["refs/heads/"+branch]
	sha, err := r.commitFiles(branch, files, message, who)
	if err != nil {
		s.t.Fatalf("fakegithub: CommitFile: %v", err)
	}
	s.referenceCommits(r, before, sha, r.owner)
	return sha
}

// IssueSeed describes an issue to create directly in the fake.
type IssueSeed struct {
	Title     string
	Body      string
	Labels    []string
	Assignees []string
	Author    string    // default "octocat"
	CreatedAt time.Time // default the fake's clock
}

// CreateIssue creates an issue and returns its number. Labels and assignees
// are recorded as events by the author, as if added at creation.
func (s *Server) CreateIssue(owner, name string, seed IssueSeed) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, name)
	if seed.Author == "" {
		seed.Author = "octocat"
	}
	created := seed.CreatedAt
	if created.IsZero() {
		created = s.now()
	}
	i := s.newIssue(r, seed.Title, seed.Body, seed.Author, created.UTC())
	for _, l := range seed.Labels {
		s.addIssueLabel(r, i, l, seed.Author)
	}
	s.assign(r, i, seed.Assignees, seed.Author)
	s.crossReference(r, i, seed.Body, seed.Author)
	return i.number
}

// AddLabelToIssue adds a label as actor, recording a labeled event.
func (s *Server) AddLabelToIssue(owner, name string, number int, labelName, actor string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, name)
	s.addIssueLabel(r, s.mustIssue(r, number), labelName, actor)
}

// RemoveLabelFromIssue removes a label as actor, recording an unlabeled event.
func (s *Server) RemoveLabelFromIssue(owner, name string, number int, labelName, actor string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, name)
	s.removeIssueLabel(s.mustIssue(r, number), labelName, actor)
}

// AddLabel defines a repository label.
func (s *Server) AddLabel(owner, name, labelName, color, description string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, name)
	l := s.ensureLabel(r, labelName)
	l.color, l.description = color, description
}

// CloseIssue closes an issue or pull request as actor ("completed").
func (s *Server) CloseIssue(owner, name string, number int, actor string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, name)
	s.setState(s.mustIssue(r, number), "closed", "completed", actor)
}

// CloseIssueAs closes an issue as actor with a state reason ("completed"
// or "not_planned").
func (s *Server) CloseIssueAs(owner, name string, number int, actor, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, name)
	s.setState(s.mustIssue(r, number), "closed", reason, actor)
}

// ReopenIssue reopens an issue as actor.
func (s *Server) ReopenIssue(owner, name string, number int, actor string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, name)
	s.setState(s.mustIssue(r, number), "open", "", actor)
}

// Comment adds a comment by author and returns its id.
func (s *Server) Comment(owner, name string, number int, author, body string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, name)
	return s.addComment(r, s.mustIssue(r, number), author, body).id
}

// SetPermission gives user a role on the repository: admin, maintain, write,
// triage or read ("" removes it). Users with write or more are assignable.
func (s *Server) SetPermission(owner, name, user, permission string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, name)
	s.user(user)
	if permission == "" {
		delete(r.permissions, strings.ToLower(user))
		return
	}
	r.permissions[strings.ToLower(user)] = permission
}

// AddTeam makes org/slug a team that reviews may be requested from.
func (s *Server) AddTeam(org, slug string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(org)
	if s.teams[key] == nil {
		s.teams[key] = map[string]bool{}
	}
	s.teams[key][strings.ToLower(slug)] = true
}

// OpenPull opens a pull request from head into base by author and returns
// its number; it fails the test where GitHub would answer 422.
func (s *Server) OpenPull(owner, name, head, base, title, author string) int {
	return s.OpenPullWithBody(owner, name, head, base, title, "", author)
}

// OpenPullWithBody is OpenPull with a description (mentions of #n cross-reference).
func (s *Server) OpenPullWithBody(owner, name, head, base, title, body, author string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, name)
	i, err := s.openPull(r, head, base, title, body, author, false)
	if err != nil {
		s.t.Fatalf("fakegithub: OpenPull %s %s->%s: %v", r.fullName(), head, base, err)
	}
	return i.number
}

// MergePull merges a pull request as merger with a merge commit on the base
// branch and returns the merge commit sha. Issues the description closes
// ("Closes #n", "Fixes #n", "Resolves #n") are closed, as on GitHub.
func (s *Server) MergePull(owner, name string, number int, merger string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, name)
	i := s.mustIssue(r, number)
	if i.pull == nil || i.state != "open" {
		s.t.Fatalf("fakegithub: MergePull: #%d is not an open pull request", number)
	}
	p := i.pull
	changes := r.diff(r.pullRange(i)) // also refreshes head and base from their branches
	files := r.treeOf(p.baseSHA)
	for _, ch := range changes {
		if ch.previous != "" {
			delete(files, ch.previous)
		}
		if ch.status == "removed" {
			delete(files, ch.path)
			continue
		}
		files[ch.path] = r.treeOf(p.headSHA)[ch.path]
	}
	now := s.now()
	who := noreplySignature(merger, now)
	sha := r.store(commitObject{
		tree: r.buildTree(files), parents: []string{p.baseSHA, p.headSHA},
		message: "Merge pull request #" + strconv.Itoa(number) + " from " + r.owner + "/" + p.head + "\n\n" + i.title,
		author:  who, committer: who,
	})
	r.refs["refs/heads/"+p.base] = sha
	p.merged, p.mergedAt, p.mergedBy, p.mergeSHA = true, &now, s.user(merger).login, sha
	s.record(i, &issueEvent{event: "merged", actor: merger, commitID: p.headSHA})
	s.setState(i, "closed", "", merger)
	i.stateReason = ""
	for _, m := range closingPattern.FindAllStringSubmatch(i.body, -1) {
		n, _ := strconv.Atoi(m[1])
		target := r.issues[n]
		if target != nil && target.pull == nil {
			s.record(target, &issueEvent{event: "referenced", actor: merger, commitID: sha})
			s.setState(target, "closed", "completed", merger)
		}
	}
	return sha
}

// SetPrivate makes a repository private (or public again): its payloads say
// so, as cross-references from it do.
func (s *Server) SetPrivate(owner, name string, private bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustRepo(owner, name).private = private
}
