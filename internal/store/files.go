package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/rs/zerolog"
)

// The SQLite file keeps webhook payloads (issue text, comments) for days:
// it is readable by the app's user only, in a directory only that user can
// list. SQLite creates its -wal and -shm files with the database's mode.
const (
	databaseFileMode fs.FileMode = 0o600
	databaseDirMode  fs.FileMode = 0o700
)

// sqliteCompanions are the files SQLite keeps beside a database.
var sqliteCompanions = []string{"", "-wal", "-shm", "-journal"}

// prepareSQLiteFile creates the database's directory (0700) and file (0600)
// or tightens existing ones, logging each change. An existing directory is
// tightened only when it holds nothing but this database, so pointing the
// database at a shared directory never locks others out of it.
func prepareSQLiteFile(ctx context.Context, path string) error {
	log := zerolog.Ctx(ctx)
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, databaseDirMode); err != nil {
			return fmt.Errorf("create data directory %s: %w", dir, err)
		}
		// MkdirAll's mode passes through the umask; say it exactly.
		if err := os.Chmod(dir, databaseDirMode); err != nil {
			return fmt.Errorf("restrict data directory %s: %w", dir, err)
		}
	case err != nil:
		return fmt.Errorf("data directory %s: %w", dir, err)
	case info.Mode().Perm()&0o077 != 0:
		if dedicated(dir, filepath.Base(path)) {
			if err := os.Chmod(dir, info.Mode().Perm()&databaseDirMode); err != nil {
				return fmt.Errorf("restrict data directory %s: %w", dir, err)
			}
			log.Warn().Str("directory", dir).Str("was", info.Mode().Perm().String()).Str("now", (info.Mode().Perm() & databaseDirMode).String()).
				Msg("data directory was open to other users; restricted to the app's user")
		} else {
			log.Warn().Str("directory", dir).Str("mode", info.Mode().Perm().String()).
				Msg("the database's directory is shared and open to other users; it is left as it is (the database file itself is 0600)")
		}
	}
	for _, suffix := range sqliteCompanions {
		name := path + suffix
		info, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			if suffix != "" {
				continue
			}
			f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, databaseFileMode)
			if err != nil && !errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("create database %s: %w", name, err)
			}
			if f != nil {
				f.Close()
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("database %s: %w", name, err)
		}
		if info.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(name, databaseFileMode); err != nil {
				return fmt.Errorf("restrict database %s: %w", name, err)
			}
			log.Warn().Str("file", name).Str("was", info.Mode().Perm().String()).Str("now", databaseFileMode.String()).
				Msg("database file was readable by other users; restricted to the app's user")
		}
	}
	return nil
}

// dedicated reports whether dir holds only the database named base and
// its companion files.
func dedicated(dir, base string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), base) {
			return false
		}
		rest := strings.TrimPrefix(e.Name(), base)
		ok := false
		for _, s := range sqliteCompanions {
			ok = ok || rest == s
		}
		if !ok {
			return false
		}
	}
	return true
}
