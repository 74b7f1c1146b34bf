package config

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
)

// Setting is one server setting as people meet it: in --help, in the
// README's table and in the error that says it is missing.
type Setting struct {
	Env     string // environment variable
	Key     string // YAML key in the config file
	Default string
	Meaning string
	// Where says where to get the value, for the settings GitHub hands out.
	Where string
}

// Settings lists every server setting. Commands pick the ones they read by
// environment variable name (see Pick).
var Settings = []Setting{
	{Env: "GITHUB_APP_INTEGRATION_ID", Key: "github.app.integration_id", Default: "none: setup page",
		Meaning: "the GitHub App's numeric App ID",
		Where:   "the App ID on the app's page in GitHub (Settings → Developer settings → GitHub Apps → the app), or leave all three credentials unset and register through the setup page `serve` prints"},
	{Env: "GITHUB_APP_WEBHOOK_SECRET", Key: "github.app.webhook_secret", Default: "none: setup page",
		Meaning: "the secret GitHub signs deliveries with",
		Where:   "the webhook secret entered on the app's page in GitHub (set a new one there if it is lost)"},
	{Env: "GITHUB_APP_PRIVATE_KEY", Key: "github.app.private_key", Default: "none: setup page",
		Meaning: "the app's private key, PEM text",
		Where:   "\"Generate a private key\" on the app's page in GitHub; it downloads a .pem file"},
	{Env: "GITHUB_APP_PRIVATE_KEY_PATH", Key: "private_key_path", Meaning: "a file holding the PEM key (used when GITHUB_APP_PRIVATE_KEY is empty)"},
	{Env: "GITHUB_APP_SLUG", Key: "app_slug", Default: "asked from GET /app", Meaning: "the app's slug; deliveries sent by <slug>[bot] are ignored"},
	{Env: "GITHUB_WEB_URL", Key: "github.web_url", Default: "https://github.com", Meaning: "GitHub's web address (GitHub Enterprise Server: your host)"},
	{Env: "GITHUB_V3_API_URL", Key: "github.v3_api_url", Default: "https://api.github.com", Meaning: "REST API root"},
	{Env: "GITHUB_V4_API_URL", Key: "github.v4_api_url", Default: "https://api.github.com/graphql", Meaning: "GraphQL root (unused; kept for go-githubapp)"},
	{Env: "PUBLIC_URL", Key: "public_url", Default: "http://localhost:<port>", Meaning: "where GitHub and your browser reach this server; the setup page and the manifest use it"},
	{Env: "WEBHOOK_URL", Key: "webhook_url", Default: "PUBLIC_URL/api/github/hook", Meaning: "the webhook address the manifest registers, for a relay such as a smee.io channel"},
	{Env: "LISTEN_ADDR", Key: "listen_addr", Default: DefaultListenAddr, Meaning: "public HTTP address: the webhook, /healthz and /readyz only"},
	{Env: "ADMIN_LISTEN_ADDR", Key: "admin_listen_addr", Default: DefaultAdminListenAddr, Meaning: "admin address for /metrics, /readyz with its reason and profiles; empty turns it off; keep it private"},
	{Env: "DATABASE_URL", Key: "database_url", Default: DefaultDatabaseURL, Meaning: "sqlite://path.db or postgres://…"},
	{Env: "DATA_DIR", Key: "data_dir", Default: DefaultDataDir, Meaning: "where the setup page stores the app's credentials (0600 file in a 0700 folder)"},
	{Env: "WORKERS", Key: "workers", Default: "10", Meaning: "jobs run at once by this process"},
	{Env: "SHUTDOWN_TIMEOUT", Key: "shutdown_timeout", Default: "30s", Meaning: "how long running jobs may finish after SIGTERM"},
	{Env: "LOG_FORMAT", Key: "log_format", Default: "json", Meaning: "json or text (colour only on a terminal)"},
	{Env: "LOG_LEVEL", Key: "log_level", Default: "info", Meaning: "zerolog level: debug, info, warn, error"},
	{Env: "POLICY_REMOTES", Key: "policy_remotes", Default: "none", Meaning: "comma-separated owner/name repositories a policy's remote: may name besides its owner's .github repository (same owner only)"},
}

// Pick returns the settings with the given environment variable names, in
// the order given.
func Pick(envs ...string) []Setting {
	var out []Setting
	for _, e := range envs {
		for _, s := range Settings {
			if s.Env == e {
				out = append(out, s)
			}
		}
	}
	return out
}

// HelpTable renders settings for a command's --help.
func HelpTable(settings []Setting) string {
	var b strings.Builder
	b.WriteString("Settings (environment variable, YAML key in --config, default):\n")
	for _, s := range settings {
		def := s.Default
		if def == "" {
			def = "none"
		}
		fmt.Fprintf(&b, "  %-28s %-26s %s\n      %s\n", s.Env, s.Key, def, s.Meaning)
	}
	b.WriteString("Environment variables win over the file.\n")
	return b.String()
}

// where says where to get a setting's value.
func where(env string) string {
	for _, s := range Settings {
		if s.Env == env && s.Where != "" {
			return "get it from " + s.Where
		}
	}
	return ""
}

var unknownFieldRE = regexp.MustCompile(`field (\S+) not found in type`)

// unknownField picks the key out of yaml.v3's "field X not found" error.
func unknownField(problem string) string {
	if m := unknownFieldRE.FindStringSubmatch(problem); m != nil {
		return m[1]
	}
	return ""
}

// fileKeys lists every key a config file may hold, at any depth.
func fileKeys() []string {
	var keys []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "" || name == "-" {
				continue
			}
			keys = append(keys, name)
			if f.Type.Kind() == reflect.Struct {
				walk(f.Type)
			}
		}
	}
	walk(reflect.TypeOf(Config{}))
	return keys
}
