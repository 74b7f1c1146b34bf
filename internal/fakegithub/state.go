package fakegithub

import (
	"strings"
	"time"
)

// account is a user, organization or bot known to the fake.
type account struct {
	login string
	id    int64
	kind  string // User, Organization, Bot
}

type installation struct {
	id      int64
	account string
	repos   []string // lower-case "owner/name", in the order added
	created time.Time
}

type installToken struct {
	token          string
	installationID int64
	expiresAt      time.Time
}

type repo struct {
	id            int64
	owner, name   string
	defaultBranch string
	created       time.Time

	objects map[string]gitObject
	refs    map[string]string // full ref name -> commit sha

	issues      map[int]*issue
	lastNumber  int
	comments    map[int64]*comment
	labels      map[string]*label // by lower-case name
	permissions map[string]string // login -> admin, write, read
	checkRuns   []*checkRun
	suites      map[string]int64 // head sha -> check suite id
	referenced  map[string]bool  // "number commit" pairs already recorded
	private     bool
	deployments []*deployment
}

func (r *repo) fullName() string { return r.owner + "/" + r.name }

type label struct {
	id          int64
	name        string
	color       string
	description string
}

type issue struct {
	id          int64
	number      int
	title       string
	body        string
	author      string
	state       string // open, closed
	stateReason string
	labels      []string
	assignees   []string
	created     time.Time
	updated     time.Time
	closed      *time.Time
	closedBy    string
	events      []*issueEvent
	pull        *pull // set for pull requests
}

func (i *issue) hasLabel(name string) bool {
	for _, l := range i.labels {
		if strings.EqualFold(l, name) {
			return true
		}
	}
	return false
}

type pull struct {
	head, base         string // branch names
	headSHA, baseSHA   string
	merged             bool
	mergedAt           *time.Time
	mergedBy           string
	mergeSHA           string
	draft              bool
	requestedReviewers []string
	requestedTeams     []string
}

type comment struct {
	id      int64
	issue   int
	author  string
	body    string
	created time.Time
	updated time.Time
}

// issueEvent is one entry of an issue's events and timeline.
type issueEvent struct {
	id       int64
	event    string // labeled, unlabeled, assigned, unassigned, closed, reopened, renamed, cross-referenced, referenced, merged
	actor    string
	created  time.Time
	label    string
	assignee string
	from, to string // renamed
	source   int    // cross-referenced: the issue or PR number that mentioned this one
	// sourceRepo is the mentioning issue's repository when it is not this one.
	sourceRepo *repo
	commitID   string
}

type checkRun struct {
	id          int64
	suiteID     int64
	name        string
	headSHA     string
	status      string
	conclusion  string
	detailsURL  string
	externalID  string
	started     *time.Time
	completed   *time.Time
	title       string
	summary     string
	text        string
	annotations []map[string]any
	app         string
}
