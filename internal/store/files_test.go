package store_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/store"
)

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode().Perm()
}

func TestNewSQLiteDatabaseIsPrivateToTheAppUser(t *testing.T) {
	// A permissive umask, as in many containers, must not widen the modes.
	old := syscall.Umask(0o002)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "bot.db")
	db, err := store.Open(context.Background(), "sqlite://"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := mode(t, dir); got != 0o700 {
		t.Errorf("data directory mode %v, want 0700", got)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		if _, err := os.Stat(name); err != nil {
			continue // SQLite may not have made this one
		}
		if got := mode(t, name); got != 0o600 {
			t.Errorf("%s mode %v, want 0600", filepath.Base(name), got)
		}
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Errorf("expected a WAL file beside the database (the test checks its mode): %v", err)
	}
}

func TestExistingOpenDatabaseIsTightenedAndLogged(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "bot.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	ctx := zerolog.New(&logs).WithContext(context.Background())
	db, err := store.Open(ctx, "sqlite://"+path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if got := mode(t, path); got != 0o600 {
		t.Errorf("existing database mode %v, want 0600", got)
	}
	if got := mode(t, dir); got != 0o700 {
		t.Errorf("existing dedicated directory mode %v, want 0700", got)
	}
	if !strings.Contains(logs.String(), "restricted to the app's user") {
		t.Errorf("tightening was not logged: %s", logs.String())
	}
}

func TestSharedDirectoryIsLeftAloneButTheDatabaseIsPrivate(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("someone else's"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "bot.db")
	db, err := store.Open(context.Background(), "sqlite://"+path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if got := mode(t, dir); got != 0o755 {
		t.Errorf("a shared directory was changed to %v", got)
	}
	if got := mode(t, path); got != 0o600 {
		t.Errorf("database mode %v, want 0600", got)
	}
}
