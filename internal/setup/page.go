package setup

import (
	"bytes"
	"html/template"
	"net/http"
)

type pageData struct {
	Token      string
	Manifest   string
	PublicURL  string
	HookURL    string
	Org        string
	Action     string
	Problem    string
	App        *Credentials
	InstallURL string
	Stored     string
}

const layout = `{{define "top"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>postmortem-bot setup</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:1rem;color:#1f2328}
h1{font-size:1.5rem}code,pre,textarea{font:14px ui-monospace,monospace}
pre,textarea{background:#f6f8fa;padding:.5rem;overflow-x:auto;width:100%;box-sizing:border-box}
button{font-size:1rem;padding:.6rem 1rem;background:#1f883d;color:#fff;border:0;border-radius:6px}
input[type=text]{font-size:1rem;padding:.4rem;max-width:100%}
.problem{background:#ffebe9;padding:.5rem;border-radius:6px}
dt{font-weight:600}dd{margin:0 0 .75rem 0;word-break:break-all}
</style></head><body>{{end}}
{{define "bottom"}}</body></html>{{end}}`

var (
	setupPage = template.Must(template.New("setup").Parse(layout + `{{template "top"}}
<h1>Register postmortem-bot with GitHub</h1>
{{with .Problem}}<p class="problem">{{.}}</p>{{end}}
<p>This creates a GitHub App from the manifest in <code>app.yml</code>: the permissions and events the
app needs and nothing more. GitHub will show you the app it is about to create (you may change its
name there, since names are unique on GitHub), then send you back here. This server then stores the
app's credentials and starts taking the webhooks GitHub sends to <code>{{.HookURL}}</code>, with no restart.</p>
<p>The app will belong to {{if .Org}}the organisation <strong>{{.Org}}</strong>{{else}}your personal account{{end}}.</p>
<form action="{{.Action}}" method="post">
<input type="hidden" name="manifest" value="{{.Manifest}}">
<button type="submit">Create the GitHub App{{if .Org}} for {{.Org}}{{end}}</button>
</form>
<form action="/setup" method="get">
<input type="hidden" name="token" value="{{.Token}}">
<p><label>Create it for an organisation instead:<br>
<input type="text" name="org" value="{{.Org}}" placeholder="organisation" autocapitalize="none"></label>
<button type="submit">Use this owner</button></p>
</form>
<details><summary>The manifest sent to GitHub</summary><pre>{{.Manifest}}</pre></details>
<p>GitHub must reach <code>{{.HookURL}}</code>. On a laptop, forward deliveries with a tunnel
(see the README, "Run it on a laptop").</p>
{{template "bottom"}}`))

	donePage = template.Must(template.New("done").Parse(layout + `{{template "top"}}
<h1>{{.App.Name}} is registered</h1>
{{with .Problem}}<p class="problem">{{.}}</p>{{end}}
<p><a href="{{.InstallURL}}"><strong>Install it on your repositories</strong></a>: the app acts only where it is installed.</p>
<p>The server is using these credentials now; they are stored in <code>{{.Stored}}</code> (readable only by this
server's user). For production, copy them into your secret store and pass them as environment variables:</p>
<dl>
<dt>GITHUB_APP_INTEGRATION_ID</dt><dd><code>{{.App.AppID}}</code></dd>
<dt>GITHUB_APP_SLUG</dt><dd><code>{{.App.Slug}}</code></dd>
<dt>GITHUB_APP_WEBHOOK_SECRET</dt><dd><code>{{.App.WebhookSecret}}</code></dd>
<dt>GITHUB_APP_PRIVATE_KEY</dt><dd><textarea readonly rows="6">{{.App.PrivateKey}}</textarea></dd>
</dl>
<p>This page is shown once; the setup link now only points here.</p>
{{template "bottom"}}`))

	registeredPage = template.Must(template.New("registered").Parse(layout + `{{template "top"}}
<h1>{{.App.Name}} is registered</h1>
<p>Registration is done; this page no longer offers it. <a href="{{.InstallURL}}">Install the app</a> on the
repositories whose incidents you track.</p>
{{template "bottom"}}`))

	problemPage = template.Must(template.New("problem").Parse(layout + `{{template "top"}}
<h1>postmortem-bot setup</h1>
<p class="problem">{{.Problem}}</p>
{{template "bottom"}}`))
)

func render(w http.ResponseWriter, status int, t *template.Template, d pageData) {
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		http.Error(w, "setup page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action *")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}
