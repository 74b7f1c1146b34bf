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

	"github.com/postmortem-bot/postmortem-bot/internal/didyoumean"
)

// DefaultListenAddr is where the server listens when nothing says otherwise.
const DefaultListenAddr = ":8080"

// DefaultAdminListenAddr serves metrics and readiness detail on loopback
// only; ADMIN_LISTEN_ADDR="" turns the admin listener off.
const DefaultAdminListenAddr = "127.0.0.1:9090"

// DefaultDatabaseURL is an embedded SQLite file under ./data.
const DefaultDatabaseURL = "sqlite://data/postmortem-bot.db"

// Config is everything `postmortem-bot serve` needs.
type Config struct {
	GitHub         githubapp.Config `yaml:"github"`
	PrivateKeyPath string           `yaml:"private_key_path"`
	AppSlug        string           `yaml:"app_slug"`
	ListenAddr     string           `yaml:"listen_addr"`
	// AdminListenAddr serves /metrics and detailed readiness; "" is off.
	AdminListenAddr string        `yaml:"admin_listen_addr"`
	DatabaseURL     string        `yaml:"database_url"`
	LogFormat       string        `yaml:"log_format"`
	LogLevel        string        `yaml:"log_level"`
	Workers         int           `yaml:"workers"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// PublicURL is where GitHub (and a browser) reach this server; the
	// setup page builds the app's manifest from it.
	PublicURL string `yaml:"public_url"`
	// WebhookURL is the webhook address the manifest registers; empty means
	// PUBLIC_URL/api/github/hook. A relay (smee.io) sets it.
	WebhookURL string `yaml:"webhook_url"`
	// DataDir holds what the server keeps on disk besides the database:
	// the credentials stored by the setup page.
	DataDir string `yaml:"data_dir"`
	// PolicyRemotes are repositories ("owner/name") a policy's remote
	// reference may name besides its owner's .github repository; still only
	// for repositories of the same owner.
	PolicyRemotes []string `yaml:"policy_remotes"`

	// adminSet records that AdminListenAddr was given (even empty).
	adminSet bool
}

// DefaultDataDir is where the setup page stores the app's credentials.
const DefaultDataDir = "data"

// Registered says whether any GitHub App credential is configured. With
// none, `serve` looks for stored credentials and else starts the setup page.
func (c *Config) Registered() bool {
	return c.GitHub.App.IntegrationID != 0 || strings.TrimSpace(c.GitHub.App.WebhookSecret) != "" ||
		c.GitHub.App.PrivateKey != "" || c.PrivateKeyPath != ""
}

// Error is a configuration problem. Setting names the environment variable or
// YAML key at fault.
type Error struct {
	Setting string
	Problem string
}

func (e *Error) Error() string { return fmt.Sprintf("config: %s: %s", e.Setting, e.Problem) }

// Errors is every problem found at once, so one run lists all of them.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// errs returns nil for no problems, the single *Error for one (so callers
// that look for an *Error keep working), or Errors.
func errs(list []*Error) error {
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	return Errors(list)
}

// Load reads path (if it is non-empty and exists, or if required is true)
// and then the environment, fills defaults and validates. With no GitHub
// App credential at all it succeeds (see Registered); with some but not
// all, every missing one is reported together.
func Load(path string, required bool, getenv func(string) (string, bool)) (Config, error) {
	var c Config
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			if err := decodeFile(path, data, &c); err != nil {
				return c, err
			}
			var keys map[string]any
			if yaml.Unmarshal(data, &keys) == nil {
				_, c.adminSet = keys["admin_listen_addr"]
			}
		case os.IsNotExist(err) && !required:
		default:
			return c, &Error{Setting: "--config", Problem: err.Error()}
		}
	}
	envErr := c.applyEnv(getenv)
	c.fillDefaults()
	return c, merge(envErr, c.validate())
}

// merge lists every problem once per setting, the first one found winning.
func merge(errList ...error) error {
	var out []*Error
	seen := map[string]bool{}
	for _, err := range errList {
		var list Errors
		var one *Error
		switch {
		case errors.As(err, &list):
		case errors.As(err, &one):
			list = Errors{one}
		}
		for _, e := range list {
			if !seen[e.Setting] {
				seen[e.Setting] = true
				out = append(out, e)
			}
		}
	}
	return errs(out)
}

func decodeFile(path string, data []byte, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(c)
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	problem := strings.TrimPrefix(err.Error(), "yaml: ")
	problem = strings.TrimPrefix(problem, "unmarshal errors:\n  ")
	if key := unknownField(problem); key != "" {
		if near := didyoumean.Nearest(key, fileKeys(), len(key)/3+1); near != "" {
			problem += fmt.Sprintf("; did you mean %q?", near)
		}
	}
	return &Error{Setting: path, Problem: problem}
}

func (c *Config) applyEnv(getenv func(string) (string, bool)) error {
	var problems []*Error
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
	if v, ok := getenv("ADMIN_LISTEN_ADDR"); ok {
		c.AdminListenAddr, c.adminSet = strings.TrimSpace(v), true
	}
	str("DATABASE_URL", &c.DatabaseURL)
	str("LOG_FORMAT", &c.LogFormat)
	str("LOG_LEVEL", &c.LogLevel)
	str("PUBLIC_URL", &c.PublicURL)
	str("DATA_DIR", &c.DataDir)
	str("WEBHOOK_URL", &c.WebhookURL)
	if v, ok := getenv("GITHUB_APP_INTEGRATION_ID"); ok {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			problems = append(problems, &Error{Setting: "GITHUB_APP_INTEGRATION_ID", Problem: fmt.Sprintf("must be a positive integer, got %q", v)})
		}
		c.GitHub.App.IntegrationID = id
	}
	if v, ok := getenv("WORKERS"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n <= 0 {
			problems = append(problems, &Error{Setting: "WORKERS", Problem: fmt.Sprintf("must be a positive integer, got %q", v)})
		}
		c.Workers = n
	}
	if v, ok := getenv("POLICY_REMOTES"); ok {
		c.PolicyRemotes = nil
		for _, r := range strings.Split(v, ",") {
			if r = strings.TrimSpace(r); r != "" {
				c.PolicyRemotes = append(c.PolicyRemotes, r)
			}
		}
	}
	if v, ok := getenv("SHUTDOWN_TIMEOUT"); ok {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d <= 0 {
			problems = append(problems, &Error{Setting: "SHUTDOWN_TIMEOUT", Problem: fmt.Sprintf("must be a positive duration like 30s, got %q", v)})
		}
		c.ShutdownTimeout = d
	}
	return errs(problems)
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
	if c.AdminListenAddr == "" && !c.adminSet {
		c.AdminListenAddr = DefaultAdminListenAddr
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
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://localhost:" + portOf(c.ListenAddr)
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
}

func portOf(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 && i < len(addr)-1 {
		return addr[i+1:]
	}
	return "8080"
}

func (c *Config) validate() error {
	var problems []*Error
	add := func(setting, problem string) { problems = append(problems, &Error{Setting: setting, Problem: problem}) }
	if c.Registered() {
		if strings.TrimSpace(c.GitHub.App.WebhookSecret) == "" {
			add("GITHUB_APP_WEBHOOK_SECRET", "is required: the server will not accept unsigned webhooks ("+where("GITHUB_APP_WEBHOOK_SECRET")+")")
		}
		if c.GitHub.App.IntegrationID <= 0 {
			add("GITHUB_APP_INTEGRATION_ID", "is required ("+where("GITHUB_APP_INTEGRATION_ID")+")")
		}
		if c.GitHub.App.PrivateKey == "" && c.PrivateKeyPath != "" {
			key, err := os.ReadFile(c.PrivateKeyPath)
			if err != nil {
				add("GITHUB_APP_PRIVATE_KEY_PATH", err.Error())
			}
			c.GitHub.App.PrivateKey = string(key)
		}
		switch {
		case c.GitHub.App.PrivateKey == "" && c.PrivateKeyPath == "":
			add("GITHUB_APP_PRIVATE_KEY", "is required: PEM text, or a file in GITHUB_APP_PRIVATE_KEY_PATH ("+where("GITHUB_APP_PRIVATE_KEY")+")")
		case c.GitHub.App.PrivateKey != "" && !strings.Contains(c.GitHub.App.PrivateKey, "-----BEGIN"):
			add("GITHUB_APP_PRIVATE_KEY", "is not PEM text (expected -----BEGIN RSA PRIVATE KEY-----)")
		case strings.Contains(c.GitHub.App.PrivateKey, "PUBLIC KEY-----"):
			add("GITHUB_APP_PRIVATE_KEY", "is a public key; the app signs with its private key ("+where("GITHUB_APP_PRIVATE_KEY")+")")
		}
	}
	for _, u := range []struct{ setting, value string }{
		{"GITHUB_WEB_URL", c.GitHub.WebURL}, {"GITHUB_V3_API_URL", c.GitHub.V3APIURL},
		{"GITHUB_V4_API_URL", c.GitHub.V4APIURL}, {"PUBLIC_URL", c.PublicURL},
	} {
		if !strings.HasPrefix(u.value, "http://") && !strings.HasPrefix(u.value, "https://") {
			add(u.setting, fmt.Sprintf("must be an http(s) URL, got %q", u.value))
		}
	}
	if c.WebhookURL != "" && !strings.HasPrefix(c.WebhookURL, "http://") && !strings.HasPrefix(c.WebhookURL, "https://") {
		add("WEBHOOK_URL", fmt.Sprintf("must be an http(s) URL, got %q", c.WebhookURL))
	}
	if c.AdminListenAddr != "" && c.AdminListenAddr == c.ListenAddr && portOf(c.ListenAddr) != "0" {
		add("ADMIN_LISTEN_ADDR", "must differ from LISTEN_ADDR: metrics stay off the public port")
	}
	if _, err := ParseDatabaseURL(c.DatabaseURL); err != nil {
		add("DATABASE_URL", err.Error())
	}
	for _, r := range c.PolicyRemotes {
		owner, name, ok := strings.Cut(r, "/")
		if !ok || owner == "" || name == "" || strings.ContainsAny(name, "/ ") {
			add("POLICY_REMOTES", fmt.Sprintf("each entry must be owner/name, got %q", r))
		}
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		add("LOG_FORMAT", fmt.Sprintf("must be json or text, got %q", c.LogFormat))
	}
	return errs(problems)
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
