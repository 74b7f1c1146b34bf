// Package fakegithub is a stateful, in-memory GitHub REST API for tests: the
// real bot talks to it over HTTP and every request is checked against GitHub's
// own OpenAPI description, so a request GitHub would reject fails the test.
//
// # Using it
//
//	gh := fakegithub.New(t)
//	gh.AddInstallation(1, "acme")
//	gh.AddRepo("acme", "payments") // branch main with an initial commit
//	n := gh.CreateIssue("acme", "payments", fakegithub.IssueSeed{Title: "Outage", Labels: []string{"incident"}})
//	body := gh.IssueWebhook("labeled", "acme", "payments", n, "alice", nil)
//	fakegithub.Deliver(t, botURL+"/api/github/hook", secret, "issues", "delivery-1", body)
//	// then assert on gh.Pulls, gh.FileAt, gh.CheckRuns, gh.Comments, gh.Requests ...
//
// Point go-github's BaseURL (and go-githubapp's V3APIURL) at URL()+"/"; the
// App id and private key are AppID and PrivateKeyPEM. Installation tokens come
// from POST /app/installations/{id}/access_tokens with an RS256 JWT, as on
// GitHub. JWT and token expiry are checked against the wall clock, because the
// client signs and refreshes by the wall clock; every timestamp the fake
// writes (issues, comments, events, commits, rate-limit resets) comes from the
// settable clock (WithClock, SetClock).
//
// # What is checked
//
// Each request is matched to an operation of the embedded description and
// validated with kin-openapi (path, query, JSON body). Unknown routes answer
// 404 and invalid bodies 422, as GitHub does, and both are reported with
// t.Errorf from the handler goroutine. Beyond the schema, the fake applies
// GitHub's own rules: "Reference already exists", fast-forward-only ref
// updates, sha required to update a file, "A pull request already exists",
// "No commits between", reviewers must be collaborators and not the author,
// only assignable users are kept as assignees, at most 50 annotations per
// check run request (annotations accumulate across updates).
//
// WithResponseCheck additionally validates the fake's own answers against the
// response schemas GitHub documents. The package's tests run with it on and
// exercise every implemented operation (TestMain fails if one is missed).
//
// # Data and how to regenerate it
//
// data/openapi.json is api.github.com.json from the npm package
// @octokit/openapi, trimmed to the operations the bot calls plus every
// component they reference:
//
//	npm install --prefix /tmp/ghspec @octokit/openapi
//	go run ./scripts/fakegithub/trimspec \
//	    -in /tmp/ghspec/node_modules/@octokit/openapi/generated/api.github.com.json \
//	    -out internal/fakegithub/data/openapi.json
//
// The script also restores two body forms GitHub documents in prose but leaves
// out of the schema (a bare array of label names for add/set labels, which
// go-github sends), so that the fake accepts what GitHub accepts.
//
// When the bot starts calling another endpoint, add it to the list in
// scripts/fakegithub/trimspec and implement it in a handlers_*.go file.
//
// data/webhooks holds GitHub's published example payloads from the npm
// package @octokit/webhooks-examples, one per event and action:
//
//	npm install --prefix /tmp/ghhooks @octokit/webhooks-examples
//	go run ./scripts/fakegithub/webhookexamples \
//	    -in /tmp/ghhooks/node_modules/@octokit/webhooks-examples/api.github.com/index.json \
//	    -out internal/fakegithub/data/webhooks
//
// Files: ping, installation.created, issues.{labeled, unlabeled, opened,
// closed, reopened, edited, deleted, transferred}, issue_comment.created,
// pull_request.{opened, synchronize, reopened, edited, closed},
// check_suite.rerequested, check_run.rerequested. The package publishes no
// issues.closed example, so issues.closed.json is issues.reopened with the
// action and state changed; nor pull_request.edited, so that file is
// pull_request.opened with a "changes" object added. The published
// pull_request.closed example is not merged; PullRequestWebhook fills merged
// and merge_commit_sha from the fake's state.
package fakegithub
