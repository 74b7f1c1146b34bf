package setup

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"
)

// stateLifetime bounds how long a rendered setup form stays usable; GitHub's
// codes live an hour too.
const stateLifetime = time.Hour

// Options configure a Registrar.
type Options struct {
	WebURL    string // GitHub's web address (GITHUB_WEB_URL)
	APIURL    string // REST root (GITHUB_V3_API_URL)
	PublicURL string // where GitHub and the browser reach this server
	// WebhookURL replaces PublicURL's webhook address when set (a relay).
	WebhookURL string
	DataDir    string // where the credentials are stored
	// AppManifest is app.yml.
	AppManifest []byte
	// HTTPClient talks to GitHub's API (nil: a client with a timeout).
	HTTPClient *http.Client
	Logger     zerolog.Logger
	// Registered starts serving webhooks with the new credentials once they
	// are stored. Its error is shown on the page; the credentials stay
	// stored, so the next start uses them.
	Registered func(ctx context.Context, c *Credentials) error
}

// Registrar serves the setup page and completes the manifest flow, once.
type Registrar struct {
	o        Options
	token    string
	manifest []byte

	mu     sync.Mutex
	states map[string]time.Time
	done   *Credentials
}

// New prepares a registrar with a fresh one-time token.
func New(o Options) (*Registrar, error) {
	manifest, err := Manifest(o.AppManifest, o.PublicURL, o.WebhookURL)
	if err != nil {
		return nil, err
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	return &Registrar{o: o, token: randomHex(16), manifest: manifest, states: map[string]time.Time{}}, nil
}

// SetupURL is the page's address with its token; only the server's log
// shows it.
func (r *Registrar) SetupURL() string {
	return strings.TrimRight(r.o.PublicURL, "/") + "/setup?token=" + r.token
}

// Registered returns the credentials once the app is registered.
func (r *Registrar) Registered() *Credentials {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.done
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("setup: no randomness: %v", err)) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b)
}

var orgName = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)

// Page is GET /setup: the explanation and the form that sends the manifest
// to GitHub, or, once registered, where to go next.
func (r *Registrar) Page(w http.ResponseWriter, req *http.Request) {
	if subtle.ConstantTimeCompare([]byte(req.URL.Query().Get("token")), []byte(r.token)) != 1 {
		forbidden(w)
		return
	}
	if done := r.Registered(); done != nil {
		render(w, http.StatusOK, registeredPage, pageData{App: done, InstallURL: done.InstallURL(r.o.WebURL)})
		return
	}
	hook := r.o.WebhookURL
	if hook == "" {
		hook = strings.TrimRight(r.o.PublicURL, "/") + HookPath
	}
	d := pageData{Token: r.token, Manifest: string(r.manifest), PublicURL: r.o.PublicURL, HookURL: hook}
	org := strings.TrimSpace(req.URL.Query().Get("org"))
	if org != "" && !orgName.MatchString(org) {
		d.Problem = fmt.Sprintf("%q is not an organisation name (letters, digits and hyphens).", org)
		org = ""
	}
	d.Org = org
	state := randomHex(16)
	r.mu.Lock()
	now := time.Now()
	for s, exp := range r.states {
		if now.After(exp) {
			delete(r.states, s)
		}
	}
	r.states[state] = now.Add(stateLifetime)
	r.mu.Unlock()
	web := strings.TrimRight(r.o.WebURL, "/")
	if org != "" {
		d.Action = fmt.Sprintf("%s/organizations/%s/settings/apps/new?state=%s", web, url.PathEscape(org), state)
	} else {
		d.Action = fmt.Sprintf("%s/settings/apps/new?state=%s", web, state)
	}
	render(w, http.StatusOK, setupPage, d)
}

// Callback is the manifest's redirect_url: it checks state, exchanges the
// code for the app's credentials, stores them and starts the app.
func (r *Registrar) Callback(w http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done != nil {
		render(w, http.StatusGone, registeredPage, pageData{App: r.done, InstallURL: r.done.InstallURL(r.o.WebURL)})
		return
	}
	exp, known := r.states[q.Get("state")]
	if !known || time.Now().After(exp) {
		render(w, http.StatusBadRequest, problemPage, pageData{Problem: "This link does not come from a setup page this server showed, or it is more than an hour old. Open the setup link from the server's log and start again."})
		return
	}
	delete(r.states, q.Get("state"))
	code := q.Get("code")
	if code == "" {
		render(w, http.StatusBadRequest, problemPage, pageData{Problem: "GitHub sent no code back. Open the setup link from the server's log and start again."})
		return
	}
	creds, err := r.exchange(req.Context(), code)
	if err != nil {
		r.o.Logger.Warn().Err(err).Msg("setup: GitHub did not turn the code into credentials")
		render(w, http.StatusBadGateway, problemPage, pageData{Problem: "GitHub did not accept the code (" + err.Error() + "). A code works once and for an hour: open the setup link from the server's log and start again."})
		return
	}
	if err := Save(r.o.DataDir, creds); err != nil {
		r.o.Logger.Error().Err(err).Int64("app_id", creds.AppID).Msg("setup: could not store the new app's credentials")
		render(w, http.StatusInternalServerError, problemPage, pageData{Problem: "The app was created on GitHub but its credentials could not be stored (" + err.Error() + "). Delete the app in GitHub's settings, fix the data directory and start again."})
		return
	}
	r.done = creds
	stored := filepath.Join(r.o.DataDir, CredentialsFile)
	r.o.Logger.Info().Int64("app_id", creds.AppID).Str("app", creds.Slug).Str("stored_in", stored).Msg("setup: app registered; its credentials are stored")
	d := pageData{App: creds, InstallURL: creds.InstallURL(r.o.WebURL), Stored: stored}
	if r.o.Registered != nil {
		if err := r.o.Registered(context.WithoutCancel(req.Context()), creds); err != nil {
			r.o.Logger.Error().Err(err).Msg("setup: could not start with the new credentials; restart the server to use them")
			d.Problem = "The credentials are stored, but the server could not start with them (" + err.Error() + "). Restart it: it will use the stored credentials."
		}
	}
	render(w, http.StatusOK, donePage, d)
}

// exchange trades the manifest flow's code for the app's credentials.
func (r *Registrar) exchange(ctx context.Context, code string) (*Credentials, error) {
	client := github.NewClient(r.o.HTTPClient)
	base, err := url.Parse(strings.TrimRight(r.o.APIURL, "/") + "/")
	if err != nil {
		return nil, fmt.Errorf("GITHUB_V3_API_URL: %w", err)
	}
	client.BaseURL = base
	app, _, err := client.Apps.CompleteAppManifest(ctx, code)
	if err != nil {
		var ge *github.ErrorResponse
		if errors.As(err, &ge) && ge.Response != nil {
			return nil, fmt.Errorf("POST /app-manifests/{code}/conversions: %d %s", ge.Response.StatusCode, ge.Message)
		}
		return nil, fmt.Errorf("POST /app-manifests/{code}/conversions: %w", err)
	}
	c := &Credentials{
		AppID: app.GetID(), Slug: app.GetSlug(), Name: app.GetName(), HTMLURL: app.GetHTMLURL(), Owner: app.GetOwner().GetLogin(),
		PrivateKey: app.GetPEM(), WebhookSecret: app.GetWebhookSecret(), ClientID: app.GetClientID(), ClientSecret: app.GetClientSecret(),
	}
	if c.AppID <= 0 || c.PrivateKey == "" || c.WebhookSecret == "" {
		return nil, fmt.Errorf("GitHub's answer lacks the App ID, key or webhook secret")
	}
	return c, nil
}

func forbidden(w http.ResponseWriter) {
	render(w, http.StatusForbidden, problemPage, pageData{Problem: "This page needs the setup link the server printed in its log (with its token)."})
}

// Closed answers /setup on a server that already has credentials.
func Closed(w http.ResponseWriter, _ *http.Request) {
	render(w, http.StatusGone, problemPage, pageData{Problem: "This server is already registered with GitHub; setup is closed. To register another app, start a server with no credentials configured and none stored."})
}
