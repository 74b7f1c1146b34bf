// Package config reads the server's settings: a YAML file first, then
// environment variables that override it. Every problem names the setting.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
	"gopkg.in/yaml.v3"
)

// DefaultListenAddr is where the server listens when nothing says otherwise.
const DefaultListenAddr = ":8080"

// DefaultDatabaseURL is an embedded SQLite file under ./data.
const DefaultDatabaseURL = "sqlite://data/postmortem-bot.db"

// Config is everything `postmortem-bot serve` needs.
type Config struct {
	GitHub          githubapp.Config `yaml:"github"`
	PrivateKeyPath  string           `yaml:"private_key_path"`
	AppSlug         string           `yaml:"app_slug"`
	ListenAddr      string           `yaml:"listen_addr"`
	DatabaseURL     string           `yaml:"database_url"`
	LogFormat       string           `yaml:"log_format"`
	LogLevel        string           `yaml:"log_level"`
	Workers         int              `yaml:"workers"`
	ShutdownTimeout time.Duration    `yaml:"shutdown_timeout"`
}

// Error is a configuration problem. Setting names the environment variable or
// YAML key at fault.
type Error struct {
	Setting string
	Problem string
}

func (e *Error) Error() string { return fmt.Sprintf("config: %s: %s", e.Setting, e.Problem) }

// Load reads path (if it is non-empty and exists, or if required is true)
// and then the environment, fills defaults and validates.
func Load(path string, required bool, getenv func(string) (string, bool)) (Config, error) {
	var c Config
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			dec := yaml.NewDecoder(bytes.NewReader(data))
			dec.KnownFields(true)
			if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
				return c, &Error{Setting: path, Problem: strings.TrimPrefix(err.Error(), "yaml: ")}
			}
		case os.IsNotExist(err) && !required:
		default:
			return c, &Error{Setting: "--config", Problem: err.Error()}
		}
	}
	if err := c.applyEnv(getenv); err != nil {
		return c, err
	}
	c.fillDefaults()
	return c, c.validate()
}

func (c *Config) applyEnv(getenv func(string) (string, bool)) error {
	str := func(key string, dst *string) {
		if v, ok := getenv(key); ok {
			*dst = v
		}
	}
	str("GITHUB_WEB_URL", &c.GitHub.WebURL)
	str("GITHUB_V3_API_URL", &c.GitHub.V3APIURL)
	str("GITHUB_V4_API_URL", &c.GitHub.V4APIURL)
	str("GITHUB_APP_WEBHOOK_SECRET", &c.GitHub.App.WebhookSecret)
	str("GITHUB_APP_PRIVATE_KEY", &c.GitHub.App.PrivateKey)
	str("GITHUB_APP_PRIVATE_KEY_PATH", &c.PrivateKeyPath)
	str("GITHUB_APP_SLUG", &c.AppSlug)
	str("LISTEN_ADDR", &c.ListenAddr)
	str("DATABASE_URL", &c.DatabaseURL)
	str("LOG_FORMAT", &c.LogFormat)
	str("LOG_LEVEL", &c.LogLevel)
	if v, ok := getenv("GITHUB_APP_INTEGRATION_ID"); ok {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			return &Error{Setting: "GITHUB_APP_INTEGRATION_ID", Problem: fmt.Sprintf("must be a positive integer, got %q", v)}
		}
		c.GitHub.App.IntegrationID = id
	}
	if v, ok := getenv("WORKERS"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n <= 0 {
			return &Error{Setting: "WORKERS", Problem: fmt.Sprintf("must be a positive integer, got %q", v)}
		}
		c.Workers = n
	}
	if v, ok := getenv("SHUTDOWN_TIMEOUT"); ok {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d <= 0 {
			return &Error{Setting: "SHUTDOWN_TIMEOUT", Problem: fmt.Sprintf("must be a positive duration like 30s, got %q", v)}
		}
		c.ShutdownTimeout = d
	}
	return nil
}

func (c *Config) fillDefaults() {
	if c.GitHub.WebURL == "" {
		c.GitHub.WebURL = "https://github.com"
	}
	if c.GitHub.V3APIURL == "" {
		c.GitHub.V3APIURL = "https://api.github.com"
	}
	if c.GitHub.V4APIURL == "" {
		c.GitHub.V4APIURL = "https://api.github.com/graphql"
	}
	if c.ListenAddr == "" {
		c.ListenAddr = DefaultListenAddr
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = DefaultDatabaseURL
	}
	if c.LogFormat == "" {
		c.LogFormat = "json"
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	if c.Workers == 0 {
		c.Workers = 10
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 30 * time.Second
	}
}

func (c *Config) validate() error {
	if strings.TrimSpace(c.GitHub.App.WebhookSecret) == "" {
		return &Error{Setting: "GITHUB_APP_WEBHOOK_SECRET", Problem: "is required: the server will not accept unsigned webhooks"}
	}
	if c.GitHub.App.IntegrationID <= 0 {
		return &Error{Setting: "GITHUB_APP_INTEGRATION_ID", Problem: "is required (the App ID from the app's settings page)"}
	}
	if c.GitHub.App.PrivateKey == "" && c.PrivateKeyPath != "" {
		key, err := os.ReadFile(c.PrivateKeyPath)
		if err != nil {
			return &Error{Setting: "GITHUB_APP_PRIVATE_KEY_PATH", Problem: err.Error()}
		}
		c.GitHub.App.PrivateKey = string(key)
	}
	if c.GitHub.App.PrivateKey == "" {
		return &Error{Setting: "GITHUB_APP_PRIVATE_KEY", Problem: "is required (PEM text, or a file in GITHUB_APP_PRIVATE_KEY_PATH)"}
	}
	if !strings.Contains(c.GitHub.App.PrivateKey, "-----BEGIN") {
		return &Error{Setting: "GITHUB_APP_PRIVATE_KEY", Problem: "is not PEM text (expected -----BEGIN RSA PRIVATE KEY-----)"}
	}
	for setting, u := range map[string]string{"GITHUB_WEB_URL": c.GitHub.WebURL, "GITHUB_V3_API_URL": c.GitHub.V3APIURL, "GITHUB_V4_API_URL": c.GitHub.V4APIURL} {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return &Error{Setting: setting, Problem: fmt.Sprintf("must be an http(s) URL, got %q", u)}
		}
	}
	if _, err := ParseDatabaseURL(c.DatabaseURL); err != nil {
		return &Error{Setting: "DATABASE_URL", Problem: err.Error()}
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		return &Error{Setting: "LOG_FORMAT", Problem: fmt.Sprintf("must be json or text, got %q", c.LogFormat)}
	}
	return nil
}

// Database says which database a DATABASE_URL picks.
type Database struct {
	Kind string // "sqlite" or "postgres"
	// Path is the SQLite file; URL is the PostgreSQL connection string.
	Path string
	URL  string
}

// ParseDatabaseURL reads sqlite:///abs.db, sqlite://rel.db or postgres://….
func ParseDatabaseURL(raw string) (Database, error) {
	switch {
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		return Database{Kind: "postgres", URL: raw}, nil
	case strings.HasPrefix(raw, "sqlite://"):
		p := strings.TrimPrefix(raw, "sqlite://")
		if i := strings.IndexByte(p, '?'); i >= 0 {
			p = p[:i]
		}
		if p == "" || p == "/" {
			return Database{}, fmt.Errorf("sqlite URL needs a file path, like sqlite://data/postmortem-bot.db")
		}
		return Database{Kind: "sqlite", Path: p}, nil
	default:
		return Database{}, fmt.Errorf("must start with sqlite:// or postgres://, got %q", redact(raw))
	}
}

// redact hides a password in a URL-ish string so it never reaches a log.
func redact(s string) string {
	at := strings.LastIndexByte(s, '@')
	scheme := strings.Index(s, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return s
	}
	creds := s[scheme+3 : at]
	if i := strings.IndexByte(creds, ':'); i >= 0 {
		return s[:scheme+3] + creds[:i] + ":****" + s[at:]
	}
	return s
}
