// Package store opens the app's database (embedded SQLite or PostgreSQL),
// migrates River's tables and the app's own, and hands out one *sql.DB for
// the app's queries whichever database is behind it.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/postmortem-bot/postmortem-bot/internal/config"
)

// Dialect is the SQL flavour behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the app's database.
type DB struct {
	// SQL runs the app's own queries. Write them with ? placeholders and pass
	// them through Rebind.
	SQL     *sql.DB
	Dialect Dialect
	// Pool is the pgx pool River uses on PostgreSQL (nil on SQLite).
	Pool *pgxpool.Pool

	migrated atomic.Bool
	// recorded caches repositories already written by RecordRepository.
	recorded sync.Map
}

// Open connects to the database a DATABASE_URL names, creating the SQLite
// file (and its directory) when needed. It does not migrate.
func Open(ctx context.Context, databaseURL string) (*DB, error) {
	target, err := config.ParseDatabaseURL(databaseURL)
	if err != nil {
		return nil, err
	}
	switch target.Kind {
	case "postgres":
		pool, err := pgxpool.New(ctx, target.URL)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		if err := pool.Ping(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("connect to postgres: %w", err)
		}
		return &DB{SQL: stdlib.OpenDBFromPool(pool), Dialect: Postgres, Pool: pool}, nil
	default:
		if dir := filepath.Dir(target.Path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create data directory %s: %w", dir, err)
			}
		}
		dsn := "file:" + target.Path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
			"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_txlock=immediate"
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", target.Path, err)
		}
		// SQLite allows one writer at a time; one connection serialises River's
		// and the app's statements instead of failing them with SQLITE_BUSY.
		db.SetMaxOpenConns(1)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", target.Path, err)
		}
		return &DB{SQL: db, Dialect: SQLite}, nil
	}
}

// Rebind turns ? placeholders into $1, $2… on PostgreSQL.
func (db *DB) Rebind(query string) string {
	if db.Dialect != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// Exec runs a statement written with ? placeholders.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return db.SQL.ExecContext(ctx, db.Rebind(query), args...)
}

// Query runs a query written with ? placeholders.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.SQL.QueryContext(ctx, db.Rebind(query), args...)
}

// QueryRow runs a single-row query written with ? placeholders.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.SQL.QueryRowContext(ctx, db.Rebind(query), args...)
}

// Ready reports whether the database answers and migrations have run.
func (db *DB) Ready(ctx context.Context) error {
	if !db.migrated.Load() {
		return fmt.Errorf("migrations have not finished")
	}
	return db.SQL.PingContext(ctx)
}

// Close releases the database.
func (db *DB) Close() error {
	err := db.SQL.Close()
	if db.Pool != nil {
		db.Pool.Close()
	}
	return err
}
