// Command postmortem-bot runs the GitHub App (serve) or reviews postmortem
// files offline (lint).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/config"
	"github.com/postmortem-bot/postmortem-bot/internal/lint"
	"github.com/postmortem-bot/postmortem-bot/internal/server"
)

const usage = `usage:
  postmortem-bot serve [--config FILE] [--log-format json|text]
  postmortem-bot lint [--config FILE] [--format text|json|sarif|github] PATH...
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stderr)
	case "lint":
		return lint.Run(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "postmortem-bot: unknown command %q\n%s", args[0], usage)
		return 2
	}
}

func serve(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "YAML configuration file (default: config.yml if present)")
	logFormat := fs.String("log-format", "", "log format: json (default) or text")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	path, required := *configPath, true
	if path == "" {
		path, required = "config.yml", false
	}
	cfg, err := config.Load(path, required, os.LookupEnv)
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
	srv, err := server.New(ctx, server.Options{Config: cfg, Logger: logger})
	if err != nil {
		fmt.Fprintf(stderr, "postmortem-bot: %v\n", err)
		return 1
	}
	if err := srv.Run(ctx); err != nil {
		fmt.Fprintf(stderr, "postmortem-bot: %v\n", err)
		return 1
	}
	return 0
}

func newLogger(cfg config.Config, w io.Writer) (zerolog.Logger, error) {
	level, err := zerolog.ParseLevel(cfg.LogLevel)
	if err != nil {
		return zerolog.Logger{}, &config.Error{Setting: "LOG_LEVEL", Problem: fmt.Sprintf("unknown level %q", cfg.LogLevel)}
	}
	switch cfg.LogFormat {
	case "text":
		w = zerolog.ConsoleWriter{Out: w}
	case "json":
	default:
		return zerolog.Logger{}, &config.Error{Setting: "--log-format", Problem: fmt.Sprintf("must be json or text, got %q", cfg.LogFormat)}
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger(), nil
}
