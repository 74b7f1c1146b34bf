// Package repo is the app's one way to talk to GitHub about a repository:
// files, issues, comments, labels, pull requests and their files, check runs
// and timelines, each with one meaning of "gone" and full pagination, and the
// rule that a hidden marker counts only in what the app itself wrote.
//
// Features never hold go-github clients; they hold a *Client (or a narrow
// interface of the methods they use, so their decisions can be tested with an
// in-memory double) and work in this package's types.
package repo

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/ghclient"
)

// Ref names a repository the app is installed on.
type Ref struct {
	InstallationID int64  `json:"installation_id"`
	RepoID         int64  `json:"repo_id"`
	Owner          string `json:"owner"`
	Name           string `json:"repo"`
}

func (r Ref) String() string { return r.Owner + "/" + r.Name }

// Client reads and writes one repository as one installation of the app.
type Client struct {
	gh          *github.Client
	owner, name string
	// bot is the app's own bot login ("<slug>[bot]"), "" while unknown.
	bot string
}

// New makes the client for the repository owner/name. botLogin is the app's
// bot login, or "" while it is not known (then no marker is trusted).
func New(gh *github.Client, owner, name, botLogin string) *Client {
	return &Client{gh: gh, owner: owner, name: name, bot: botLogin}
}

// Owner is the repository's owner login.
func (c *Client) Owner() string { return c.owner }

// Name is the repository's name.
func (c *Client) Name() string { return c.name }

// FullName is "owner/name".
func (c *Client) FullName() string { return c.owner + "/" + c.name }

// IsGone reports an answer saying the thing asked for does not exist (any
// more): 404, or 410 for a deleted issue. It is the one meaning of "not
// found" every feature uses.
func IsGone(err error) bool { return ghclient.IsNotFound(err) || ghclient.IsStatus(err, 410) }

// IsForbidden reports a 403 that is not a rate limit: the installation lacks
// a permission (for example one the app asked for after it was installed,
// until an owner accepts it).
func IsForbidden(err error) bool {
	_, limited := ghclient.RetryAt(err, time.Now())
	return ghclient.IsStatus(err, 403) && !limited
}

// IsRefused reports a 422: GitHub understood the request and will not do it
// (a branch or pull request that exists already, a reviewer who cannot be
// asked, a body over GitHub's limit).
func IsRefused(err error) bool { return ghclient.IsStatus(err, 422) }

// ErrBotUnknown says the app's bot login is not known yet, so nothing the
// app wrote can be told apart from a look-alike; the job retries later
// instead of adopting (or duplicating) anything.
var ErrBotUnknown = errors.New("the app's bot login is not known yet")

// WrittenByApp reports whether author is the app's bot. While the bot login
// is unknown nothing counts as the app's.
func (c *Client) WrittenByApp(author string) bool {
	return c.bot != "" && strings.EqualFold(author, c.bot)
}

// BotLogin is the app's bot login, "" while unknown.
func (c *Client) BotLogin() string { return c.bot }

func (c *Client) errorf(format string, args ...any) error {
	return fmt.Errorf("%s: "+format, append([]any{c.FullName()}, args...)...)
}
