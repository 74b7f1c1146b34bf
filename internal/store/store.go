// Package store opens the app's database (embedded SQLite or PostgreSQL),
// migrates River's tables and the app's own, and hands out one *sql.DB for
// the app's queries whichever database is behind it.
package store

import (
	"context"
	"database/sql"
	"fmt"
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

// defaultPostgresConns bounds a replica's PostgreSQL connections: enough
// for the job workers, River's services and several intake commits at once.
const defaultPostgresConns = 24

// DB is the app's database.
type DB struct {
	// SQL runs the app's own queries. Write them with ? placeholders and pass
	// them through Rebind.
	SQL     *sql.DB
	Dialect Dialect
	// Pool is the pgx pool River uses on PostgreSQL (nil on SQLite).
	Pool *pgxpool.Pool
	// Intake writes acknowledged deliveries. On SQLite it is a connection
	// of its own, so a burst of acknowledgements waits only for SQLite's
	// write lock, never in line behind the job workers' statements for the
	// shared connection; on PostgreSQL it is SQL.
	Intake *sql.DB

	migrated atomic.Bool
	// recorded caches repositories already written by RecordRepository.
	recorded sync.Map
}

// Open connects to the database a DATABASE_URL names, creating the SQLite
// file (0600) and its directory (0700) when needed, or tightening them
// (logged to the context's logger). It does not migrate.
func Open(ctx context.Context, databaseURL string) (*DB, error) {
	target, err := config.ParseDatabaseURL(databaseURL)
	if err != nil {
		return nil, err
	}
	switch target.Kind {
	case "postgres":
		cfg, err := pgxpool.ParseConfig(target.URL)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		if !strings.Contains(target.URL, "pool_max_conns") {
			// pgx's default (4 on a 2-core machine) leaves webhook intake
			// waiting for a connection behind the job workers and River's
			// own services; pool_max_conns in DATABASE_URL overrides this.
			cfg.MaxConns = defaultPostgresConns
		}
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		if err := pool.Ping(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("connect to postgres: %w", err)
		}
		sqlDB := stdlib.OpenDBFromPool(pool)
		return &DB{SQL: sqlDB, Dialect: Postgres, Pool: pool, Intake: sqlDB}, nil
	default:
		if err := prepareSQLiteFile(ctx, target.Path); err != nil {
			return nil, err
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
		intake, err := sql.Open("sqlite", dsn)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", target.Path, err)
		}
		intake.SetMaxOpenConns(1)
		return &DB{SQL: db, Dialect: SQLite, Intake: intake}, nil
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
	if db.Intake != nil && db.Intake != db.SQL {
		db.Intake.Close()
	}
	if db.Pool != nil {
		db.Pool.Close()
	}
	return err
}
