package server_test

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

// TestScreenshotOfADraftAndItsCheck makes the README's picture from a real
// run: an incident label drafts a postmortem PR, the check reviews it, and
// Chromium photographs a page rendered from what the fake GitHub holds.
//
//	SCREENSHOT_OUT=$PWD/docs/screenshot.png go test ./internal/server -run Screenshot
func TestScreenshotOfADraftAndItsCheck(t *testing.T) {
	out := os.Getenv("SCREENSHOT_OUT")
	if out == "" {
		t.Skip("set SCREENSHOT_OUT=path.png to make the README's screenshot")
	}
	browser := chromium(t)
	h := servertest.Start(t, servertest.Options{})
	gh := h.GitHub
	gh.SetClock(h.Clock.Now)
	gh.AddInstallation(77, owner)
	gh.AddRepo(owner, repo)
	gh.SetPermission(owner, repo, "kim", "write")
	incident := gh.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Checkout returns 502", Author: "kim", Labels: []string{"sev2"}, Assignees: []string{"kim"}})
	gh.Comment(owner, repo, incident, "kim", "Rolling back payments now.")
	gh.AddLabelToIssue(owner, repo, incident, "incident", "kim")
	h.Deliver("issues", gh.IssueWebhook("labeled", owner, repo, incident, "kim", map[string]any{"label": map[string]any{"name": "incident"}}))
	h.WaitIdle()
	pulls := gh.Pulls(owner, repo)
	if len(pulls) != 1 {
		t.Fatalf("%d pull requests", len(pulls))
	}
	pr := pulls[0]
	h.Deliver("pull_request", gh.PullRequestWebhook("opened", owner, repo, pr.Number, gh.BotLogin()))
	h.WaitIdle()
	run := onlyRun(t, gh, pr.HeadSHA)

	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	render := func(s string) template.HTML {
		var b bytes.Buffer
		if err := md.Convert([]byte(s), &b); err != nil {
			t.Fatal(err)
		}
		return template.HTML(b.String()) // rendered by goldmark from the app's own text, which escapes raw HTML
	}
	var b bytes.Buffer
	err := screenshotPage.Execute(&b, map[string]any{
		"Repo": owner + "/" + repo, "PR": pr, "Body": render(pr.Body), "Run": run,
		"Summary": render(run.Summary), "Annotations": run.Annotations,
	})
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(page, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	abs, err := filepath.Abs(out)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, browser, headless(t, "--hide-scrollbars", "--window-size=1000,1300", "--screenshot="+abs, "file://"+page)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, msg)
	}
	if info, err := os.Stat(abs); err != nil || info.Size() == 0 {
		t.Fatalf("no screenshot written: %v", err)
	}
	t.Logf("wrote %s (PR #%d, check %s)", abs, pr.Number, run.Conclusion)
}

var screenshotPage = template.Must(template.New("shot").Funcs(template.FuncMap{"sprint": fmt.Sprint}).Parse(`<!doctype html>
<html><head><meta charset="utf-8"><style>
body{font:14px/1.5 -apple-system,"Segoe UI",system-ui,sans-serif;color:#1f2328;margin:0;background:#fff}
header{padding:16px 24px;border-bottom:1px solid #d1d9e0;background:#f6f8fa}
header .repo{color:#59636e}
h1{font-size:24px;font-weight:400;margin:4px 0}
.state{display:inline-block;background:#59636e;color:#fff;border-radius:2em;padding:2px 10px;font-size:13px;margin-right:6px}
main{display:flex;gap:16px;padding:16px 24px}
.col{flex:1;min-width:0}
.box{border:1px solid #d1d9e0;border-radius:6px;margin-bottom:16px;overflow:hidden}
.box h2{font-size:14px;margin:0;padding:8px 12px;background:#f6f8fa;border-bottom:1px solid #d1d9e0}
.box .in{padding:4px 12px}
.fail{color:#d1242f;font-weight:600}.neutral{color:#59636e;font-weight:600}.ok{color:#1a7f37;font-weight:600}
table{border-collapse:collapse}td,th{border:1px solid #d1d9e0;padding:2px 6px}
.ann{border-left:3px solid #d1242f;padding:4px 8px;margin:6px 0;background:#fff8f8}
code{background:#eff1f3;padding:1px 4px;border-radius:4px}
</style></head><body>
<header><div class="repo">{{.Repo}}</div>
<h1>{{.PR.Title}} <span class="repo">#{{.PR.Number}}</span></h1>
<span class="state">{{if .PR.Draft}}Draft{{else}}Open{{end}}</span><strong>{{.PR.Author}}</strong> wants to merge <code>{{.PR.Head}}</code> into <code>{{.PR.Base}}</code></header>
<main>
<div class="col"><div class="box"><h2>{{.PR.Author}} opened this pull request</h2><div class="in">{{.Body}}</div></div></div>
<div class="col"><div class="box"><h2>Check run: {{.Run.Name}} — <span class="{{if eq .Run.Conclusion "failure"}}fail{{else if eq .Run.Conclusion "success"}}ok{{else}}neutral{{end}}">{{.Run.Conclusion}}</span></h2>
<div class="in"><p><strong>{{.Run.Title}}</strong></p>{{.Summary}}
{{range .Annotations}}<div class="ann"><code>{{.Path}}:{{.StartLine}}</code> {{.Title}}<br>{{.Message}}</div>{{end}}
</div></div></div>
</main></body></html>`))
