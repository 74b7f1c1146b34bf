// Package setup registers the GitHub App from the setup page (GitHub's
// manifest flow) and keeps the credentials it receives in the data directory.
package setup

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"
)

// HookPath is where GitHub delivers webhooks (go-githubapp's default route).
const HookPath = "/api/github/hook"

// CallbackPath is the manifest's redirect_url: GitHub sends the browser back
// here with a one-time code once the app is created.
const CallbackPath = "/setup/callback"

// Manifest turns app.yml into the JSON GitHub's manifest flow takes, with
// the webhook and redirect addresses under publicURL; webhookURL, when not
// empty, replaces the webhook address (a relay such as smee.io).
func Manifest(appYAML []byte, publicURL, webhookURL string) ([]byte, error) {
	u, err := url.Parse(publicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("public URL must be an absolute http(s) address, got %q", publicURL)
	}
	base := strings.TrimRight(publicURL, "/")
	var m map[string]any
	if err := yaml.Unmarshal(appYAML, &m); err != nil {
		return nil, fmt.Errorf("read app.yml: %w", err)
	}
	if m == nil {
		return nil, fmt.Errorf("read app.yml: empty")
	}
	hook, _ := m["hook_attributes"].(map[string]any)
	if hook == nil {
		hook = map[string]any{"active": true}
	}
	hook["url"] = base + HookPath
	if webhookURL != "" {
		hook["url"] = webhookURL
	}
	m["hook_attributes"] = hook
	m["redirect_url"] = base + CallbackPath
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	return out, nil
}
