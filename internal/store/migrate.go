package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// migrationFiles are the app's own schema changes, applied in order of their
// numeric prefix. A file named NNNN_name.sql runs on both databases;
// NNNN_name.sqlite.sql and NNNN_name.postgres.sql run on one only. Never edit
// a file once it has landed: add a new one.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the PostgreSQL advisory lock key that keeps replicas
// starting at once from migrating concurrently.
const migrationLock = 0x706d626f74 // "pmbot"

type migration struct {
	version int
	name    string
	sql     string
}

// Migrate brings River's tables and the app's own up to date. On
// PostgreSQL it holds an advisory lock so concurrent replicas take turns.
func (db *DB) Migrate(ctx context.Context) error {
	if db.Dialect == Postgres {
		conn, err := db.SQL.Conn(ctx)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
			return fmt.Errorf("migrate: take lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock) //nolint:errcheck
		if err := migrateRiver(ctx, riverpgxv5.New(db.Pool)); err != nil {
			return err
		}
	} else if err := migrateRiver(ctx, riversqlite.New(db.SQL)); err != nil {
		return err
	}
	if err := db.migrateApp(ctx); err != nil {
		return err
	}
	db.migrated.Store(true)
	return nil
}

func migrateRiver[TTx any](ctx context.Context, driver riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	return nil
}

func (db *DB) migrateApp(ctx context.Context) error {
	all, err := db.migrations()
	if err != nil {
		return err
	}
	if _, err := db.SQL.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS pmbot_schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL
	)`); err != nil {
		return fmt.Errorf("migrate: create version table: %w", err)
	}
	applied := map[int]bool{}
	rows, err := db.SQL.QueryContext(ctx, `SELECT version FROM pmbot_schema_migrations`)
	if err != nil {
		return fmt.Errorf("migrate: read versions: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("migrate: read versions: %w", err)
		}
		applied[v] = true
	}
	rows.Close()
	for _, m := range all {
		if applied[m.version] {
			continue
		}
		if err := db.apply(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) apply(ctx context.Context, m migration) error {
	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %04d_%s: %w", m.version, m.name, err)
	}
	defer tx.Rollback() //nolint:errcheck
	for _, stmt := range splitStatements(m.sql) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("migrate %04d_%s: %w", m.version, m.name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, db.Rebind(`INSERT INTO pmbot_schema_migrations (version, name) VALUES (?, ?)`), m.version, m.name); err != nil {
		return fmt.Errorf("migrate %04d_%s: record: %w", m.version, m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %04d_%s: %w", m.version, m.name, err)
	}
	return nil
}

// migrations lists the files that apply to this database, in order.
func (db *DB) migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	seen := map[int]string{}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".sql")
		if dialect := filepathExt(name); dialect != "" {
			if Dialect(dialect) != db.Dialect {
				continue
			}
			name = strings.TrimSuffix(name, "."+dialect)
		}
		num, rest, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %s: name must be NNNN_name.sql", e.Name())
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migration files %s and %s share version %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		body, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: rest, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

func filepathExt(name string) string {
	for _, d := range []Dialect{SQLite, Postgres} {
		if strings.HasSuffix(name, "."+string(d)) {
			return string(d)
		}
	}
	return ""
}

// splitStatements splits a migration on semicolons that end a line.
func splitStatements(body string) []string {
	var out []string
	for _, part := range strings.Split(body, ";\n") {
		if s := strings.TrimSpace(stripComments(part)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}
