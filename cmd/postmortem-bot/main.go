// Command postmortem-bot runs the GitHub App (serve), registers it (the
// setup page serve shows when it has no credentials), checks an installation
// (doctor) and reviews postmortem files offline (lint).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"

	postmortembot "github.com/postmortem-bot/postmortem-bot"
	"github.com/postmortem-bot/postmortem-bot/internal/config"
	"github.com/postmortem-bot/postmortem-bot/internal/doctor"
	"github.com/postmortem-bot/postmortem-bot/internal/lint"
	"github.com/postmortem-bot/postmortem-bot/internal/server"
	"github.com/postmortem-bot/postmortem-bot/internal/setup"
)

const usage = `usage: postmortem-bot COMMAND [FLAGS]

Commands:
  serve     run the GitHub App; without credentials, serve the setup page that registers it
  doctor    check the configuration, database, credentials, installations and policies
  lint      review postmortem Markdown files offline
  manifest  print the app's manifest (app.yml) as the JSON GitHub's manifest flow takes
  version   print the version, commit and build date

Run "postmortem-bot COMMAND --help" for a command's flags and the settings it reads.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "doctor":
		return runDoctor(ctx, args[1:], stdout, stderr)
	case "lint":
		lint.ToolVersion = readVersion().Version
		return lint.RunWithInput(ctx, args[1:], stdin, stdout, stderr)
	case "manifest":
		return manifest(args[1:], stdout, stderr)
	case "version":
		return version(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "postmortem-bot: unknown command %q\n%s", args[0], usage)
		return 2
	}
}

// newFlags makes a command's flag set whose --help prints the usage line,
// the flags and the settings the command reads, on stdout.
func newFlags(name, synopsis string, settings []config.Setting, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "usage: postmortem-bot %s\n\n", synopsis)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		if len(settings) == 0 {
			fmt.Fprintln(stdout, "\nReads no settings.")
			return
		}
		fmt.Fprintln(stdout)
		fmt.Fprint(stdout, config.HelpTable(settings))
	}
	return fs
}

// parse runs fs.Parse: --help exits 0, a bad flag is a usage error (2).
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) (exit int, done bool) {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return 0, true
	case err != nil:
		fmt.Fprintf(stderr, "postmortem-bot %s: %v (see --help)\n", fs.Name(), err)
		return 2, true
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "postmortem-bot %s: unexpected argument %q (see --help)\n", fs.Name(), fs.Arg(0))
		return 2, true
	}
	return 0, false
}

// configFlag is the --config flag every command that reads settings takes.
func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "", "YAML configuration file (default: config.yml if present)")
}

func loadConfig(path string) (config.Config, error) {
	required := true
	if path == "" {
		path, required = "config.yml", false
	}
	return config.Load(path, required, os.LookupEnv)
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve", "serve [--config FILE] [--log-format json|text]", config.Settings, stdout)
	configPath := configFlag(fs)
	logFormat := fs.String("log-format", "", "log format: json (default) or text")
	if code, done := parse(fs, args, stderr); done {
		return code
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		fmt.Fprintf(stderr, "postmortem-bot: %v\n", err)
		return 2
	}
	if *logFormat != "" {
		cfg.LogFormat = *logFormat
	}
	logger, err := newLogger(cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "postmortem-bot: %v\n", err)
		return 2
	}
	setupMode := false
	if !cfg.Registered() {
		creds, err := setup.Load(cfg.DataDir)
		if err != nil {
			fmt.Fprintf(stderr, "postmortem-bot: %v\n", err)
			return 2
		}
		if creds != nil {
			creds.Apply(&cfg)
			logger.Info().Int64("app_id", creds.AppID).Str("app", creds.Slug).Str("data_dir", cfg.DataDir).Msg("using the credentials the setup page stored")
		} else {
			setupMode = true
		}
	}
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		fmt.Fprintf(stderr, "postmortem-bot: listen on %s: %v\n", cfg.ListenAddr, err)
		return 1
	}
	opts := server.Options{Config: cfg, Logger: logger}
	if setupMode {
		if err := server.ServeSetup(ctx, opts, ln); err != nil {
			fmt.Fprintf(stderr, "postmortem-bot: %v\n", err)
			return 1
		}
		return 0
	}
	srv, err := server.New(ctx, opts)
	if err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "postmortem-bot: %v\n", err)
		return 1
	}
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintf(stderr, "postmortem-bot: %v\n", err)
		return 1
	}
	return 0
}

func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("doctor", "doctor [--config FILE]", config.Settings, stdout)
	configPath := configFlag(fs)
	if code, done := parse(fs, args, stderr); done {
		return code
	}
	cfg, err := loadConfig(*configPath)
	return doctor.Run(ctx, cfg, err, stdout)
}

func manifest(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("manifest", "manifest [--public-url URL] [--config FILE]", config.Pick("PUBLIC_URL", "WEBHOOK_URL", "LISTEN_ADDR"), stdout)
	publicURL := fs.String("public-url", "", "where GitHub reaches the server (default: PUBLIC_URL)")
	configPath := configFlag(fs)
	if code, done := parse(fs, args, stderr); done {
		return code
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		fmt.Fprintf(stderr, "postmortem-bot: %v\n", err)
		return 2
	}
	u := cfg.PublicURL
	if *publicURL != "" {
		u = *publicURL
	}
	out, err := setup.Manifest(postmortembot.AppManifest, u, cfg.WebhookURL)
	if err != nil {
		fmt.Fprintf(stderr, "postmortem-bot manifest: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "%s\n", out)
	return 0
}

func version(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("version", "version", nil, stdout)
	if code, done := parse(fs, args, stderr); done {
		return code
	}
	fmt.Fprintln(stdout, readVersion())
	return 0
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func newLogger(cfg config.Config, w io.Writer) (zerolog.Logger, error) {
	level, err := zerolog.ParseLevel(cfg.LogLevel)
	if err != nil {
		return zerolog.Logger{}, &config.Error{Setting: "LOG_LEVEL", Problem: fmt.Sprintf("unknown level %q", cfg.LogLevel)}
	}
	// Durations read "1.5s", not a bare number of milliseconds.
	zerolog.DurationFieldFormat = zerolog.DurationFormatString
	switch cfg.LogFormat {
	case "text":
		w = zerolog.ConsoleWriter{Out: w, NoColor: !isTerminal(w)}
	case "json":
	default:
		return zerolog.Logger{}, &config.Error{Setting: "--log-format", Problem: fmt.Sprintf("must be json or text, got %q", cfg.LogFormat)}
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger(), nil
}
