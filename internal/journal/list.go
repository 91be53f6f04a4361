package journal

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultLimit is ListOptions.Limit when it is zero; MaxLimit is the
// most runs one List returns.
const (
	DefaultLimit = 20
	MaxLimit     = 1000
)

// ListOptions filters List.
type ListOptions struct {
	// Scope keeps the runs of one scope; empty keeps all.
	Scope string
	// Server keeps the runs that touched the server of this name, each
	// with only that server's row; empty keeps all, with all rows.
	Server string
	// Limit is how many runs, newest first (default DefaultLimit, at most
	// MaxLimit).
	Limit int
}

// List returns the runs o asks for, newest first, with their servers and
// State. It fails when o.Limit is negative or above MaxLimit, or the
// tables cannot be read.
func (j *Journal) List(ctx context.Context, o ListOptions) ([]Run, error) {
	limit := o.Limit
	switch {
	case limit == 0:
		limit = DefaultLimit
	case limit < 0 || limit > MaxLimit:
		return nil, fmt.Errorf("journal: a limit of %d runs; give 1 to %d", limit, MaxLimit)
	}
	var runs []Run
	err := j.db.WithConn(ctx, func(conn *pgx.Conn) error {
		var err error
		runs, err = listRuns(ctx, conn, o.Scope, o.Server, limit)
		if err != nil || len(runs) == 0 {
			return err
		}
		return listServers(ctx, conn, runs, o.Server)
	})
	if err != nil {
		return nil, fmt.Errorf("journal: list runs: %w", err)
	}
	return runs, nil
}

func listRuns(ctx context.Context, conn *pgx.Conn, scope, server string, limit int) ([]Run, error) {
	rows, err := conn.Query(ctx, `
		SELECT r.id, r.scope, r.operation, r.user_name, r.host, r.pid, r.command, r.ci_run_id, r.ci_run_url,
			r.started_at, r.finished_at, r.fleet_hash, r.plan, r.exit_status, r.error,
			CASE
				WHEN r.finished_at IS NOT NULL THEN 'finished'
				WHEN EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = r.backend_pid
					AND (a.backend_start IS NULL OR r.backend_start IS NULL OR a.backend_start = r.backend_start)) THEN 'running'
				ELSE 'unfinished'
			END
		FROM vpsfleet.runs r
		WHERE ($1 = '' OR r.scope = $1)
		  AND ($2 = '' OR EXISTS (SELECT 1 FROM vpsfleet.run_servers s WHERE s.run_id = r.id AND s.name = $2))
		ORDER BY r.id DESC
		LIMIT $3`, scope, server, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Run, error) {
		var r Run
		var finished *time.Time
		err := row.Scan(&r.ID, &r.Scope, &r.Operation, &r.User, &r.Host, &r.PID, &r.Command, &r.CIRunID, &r.CIRunURL,
			&r.StartedAt, &finished, &r.FleetHash, &r.Plan, &r.ExitStatus, &r.Error, &r.State)
		r.StartedAt = r.StartedAt.UTC()
		if finished != nil {
			utc := finished.UTC()
			r.FinishedAt = &utc
		}
		r.Servers = []Server{}
		return r, err
	})
}

// listServers fills in the servers of runs (only server's when given).
func listServers(ctx context.Context, conn *pgx.Conn, runs []Run, server string) error {
	ids := make([]int64, len(runs))
	index := make(map[int64]int, len(runs))
	for i, r := range runs {
		ids[i], index[r.ID] = r.ID, i
	}
	rows, err := conn.Query(ctx, `
		SELECT run_id, name, server_id, actions, outcome, error
		FROM vpsfleet.run_servers
		WHERE run_id = ANY($1) AND ($2 = '' OR name = $2)
		ORDER BY run_id, ordinal`, ids, server)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var runID int64
		var s Server
		if err := rows.Scan(&runID, &s.Name, &s.ID, &s.Actions, &s.Outcome, &s.Error); err != nil {
			return err
		}
		if s.Actions == nil {
			s.Actions = []string{}
		}
		i := index[runID]
		runs[i].Servers = append(runs[i].Servers, s)
	}
	return rows.Err()
}
