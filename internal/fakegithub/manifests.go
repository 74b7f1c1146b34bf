package fakegithub

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// manifestCodeLifetime is how long GitHub honours a manifest flow's code.
const manifestCodeLifetime = time.Hour

// manifestState is the fake's side of GitHub's manifest flow: codes handed
// out by the "create app" form, each good for one conversion within an hour.
type manifestState struct {
	codes         map[string]*manifestCode
	webhookSecret string
}

type manifestCode struct {
	manifest map[string]any
	issued   time.Time
	used     bool
}

// publicOperations need no credentials at all.
var publicOperations = map[string]bool{"apps/create-from-manifest": true}

func init() { handlers["apps/create-from-manifest"] = createFromManifest }

var slugChars = regexp.MustCompile(`[^a-z0-9]+`)

// CreateAppFromManifest plays GitHub's web form: it checks manifestJSON as
// GitHub does when it receives the form's `manifest` field and returns the
// code GitHub would put in the redirect to the manifest's redirect_url.
func (s *Server) CreateAppFromManifest(manifestJSON string) (code, redirectURL string, err error) {
	var m map[string]any
	if err := json.Unmarshal([]byte(manifestJSON), &m); err != nil {
		return "", "", fmt.Errorf("manifest is not JSON: %w", err)
	}
	str := func(key string) string { v, _ := m[key].(string); return v }
	if strings.TrimSpace(str("name")) == "" {
		return "", "", fmt.Errorf("manifest: name is required")
	}
	if !absoluteURL(str("url")) {
		return "", "", fmt.Errorf("manifest: url must be an absolute URL, got %q", str("url"))
	}
	if hook, ok := m["hook_attributes"].(map[string]any); ok {
		if u, _ := hook["url"].(string); !absoluteURL(u) {
			return "", "", fmt.Errorf("manifest: hook_attributes.url must be an absolute URL, got %q", u)
		}
	}
	if !absoluteURL(str("redirect_url")) {
		return "", "", fmt.Errorf("manifest: redirect_url must be an absolute URL, got %q", str("redirect_url"))
	}
	if _, ok := m["default_permissions"].(map[string]any); !ok {
		return "", "", fmt.Errorf("manifest: default_permissions must be an object")
	}
	if _, ok := m["default_events"].([]any); !ok {
		return "", "", fmt.Errorf("manifest: default_events must be a list")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.manifests.codes == nil {
		s.manifests.codes = map[string]*manifestCode{}
	}
	code = randomHexString(10)
	s.manifests.codes[code] = &manifestCode{manifest: m, issued: s.now()}
	return code, str("redirect_url"), nil
}

func absoluteURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func randomHexString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// WebhookSecret is the secret of the app created through the manifest flow
// ("" before one is).
func (s *Server) WebhookSecret() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.manifests.webhookSecret
}

// createFromManifest turns a code into a new App. The fake serves one App,
// so the new one replaces the old: from now on only the new App ID and key
// authenticate.
func createFromManifest(c *call) (reply, error) {
	s := c.s
	mc := s.manifests.codes[c.param("code")]
	if mc == nil || mc.used || s.now().Sub(mc.issued) > manifestCodeLifetime {
		return reply{}, notFound()
	}
	mc.used = true
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return reply{}, fmt.Errorf("generate the new app's key: %w", err)
	}
	name, _ := mc.manifest["name"].(string)
	s.appID = s.newID()
	s.appSlug = strings.Trim(slugChars.ReplaceAllString(strings.ToLower(name), "-"), "-")
	s.appKey = key
	s.manifests.webhookSecret = randomHexString(20)
	out := s.renderApp()
	out["name"] = name
	out["client_id"] = "Iv1." + randomHexString(8)
	out["client_secret"] = randomHexString(20)
	out["webhook_secret"] = s.manifests.webhookSecret
	out["pem"] = string(s.PrivateKeyPEMLocked())
	return created(out), nil
}
