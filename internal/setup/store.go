package setup

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/postmortem-bot/postmortem-bot/internal/config"
)

// CredentialsFile is the file in the data directory that holds what GitHub
// returned when the app was registered.
const CredentialsFile = "github-app.json"

// Credentials are what registering the app produced. They are secrets: the
// file is 0600 in a 0700 directory and never logged.
type Credentials struct {
	AppID         int64  `json:"app_id"`
	Slug          string `json:"slug"`
	Name          string `json:"name"`
	HTMLURL       string `json:"html_url"`
	Owner         string `json:"owner"`
	PrivateKey    string `json:"pem"`
	WebhookSecret string `json:"webhook_secret"`
	ClientID      string `json:"client_id"`
	ClientSecret  string `json:"client_secret"`
}

// Load reads the stored credentials from dir; it returns nil and no error
// when none are stored.
func Load(dir string) (*Credentials, error) {
	path := filepath.Join(dir, CredentialsFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read stored credentials: %w", err)
	}
	var c Credentials
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("read stored credentials %s: not the JSON the setup page writes: %w", path, err)
	}
	if c.AppID <= 0 || c.PrivateKey == "" || c.WebhookSecret == "" {
		return nil, fmt.Errorf("stored credentials %s lack the App ID, key or webhook secret; remove the file to register again", path)
	}
	return &c, nil
}

// Save writes c to dir atomically: 0700 directory, 0600 file.
func Save(dir string, c *Credentials) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("restrict data directory: %w", err)
	}
	raw, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("encode credentials: %w", err)
	}
	tmp, err := os.CreateTemp(dir, CredentialsFile+".*")
	if err != nil {
		return fmt.Errorf("store credentials: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("store credentials: %w", err)
	}
	if _, err := tmp.Write(raw); err != nil {
		tmp.Close()
		return fmt.Errorf("store credentials: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("store credentials: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("store credentials: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, CredentialsFile)); err != nil {
		return fmt.Errorf("store credentials: %w", err)
	}
	return nil
}

// Apply puts the credentials into a configuration that has none.
func (c *Credentials) Apply(cfg *config.Config) {
	cfg.GitHub.App.IntegrationID = c.AppID
	cfg.GitHub.App.PrivateKey = c.PrivateKey
	cfg.GitHub.App.WebhookSecret = c.WebhookSecret
	cfg.GitHub.OAuth.ClientID = c.ClientID
	cfg.GitHub.OAuth.ClientSecret = c.ClientSecret
	if cfg.AppSlug == "" {
		cfg.AppSlug = c.Slug
	}
}

// InstallURL is the app's installation page on GitHub.
func (c *Credentials) InstallURL(webURL string) string {
	if c.HTMLURL != "" {
		return c.HTMLURL + "/installations/new"
	}
	return fmt.Sprintf("%s/apps/%s/installations/new", webURL, c.Slug)
}
