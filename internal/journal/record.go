package journal

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Start records that run r begins, with each of r.Servers as
// OutcomePending (whatever outcome r gives), and returns the run's id
// for Finish. The run is written in one transaction: all of it or none.
func (j *Journal) Start(ctx context.Context, r Run) (int64, error) {
	servers := make([]Server, len(r.Servers))
	for i, s := range r.Servers {
		s.Outcome, s.Error = OutcomePending, ""
		servers[i] = s
	}
	r.Servers, r.FinishedAt, r.ExitStatus = servers, nil, nil
	if err := checkRun(r); err != nil {
		return 0, err
	}
	return j.insert(ctx, r)
}

// Record writes a whole run that has ended, as given (r.FinishedAt and
// r.ExitStatus must be set), and returns its id.
func (j *Journal) Record(ctx context.Context, r Run) (int64, error) {
	if err := checkRun(r); err != nil {
		return 0, err
	}
	if r.FinishedAt == nil || r.ExitStatus == nil {
		return 0, errors.New("journal: Record needs a finished run (FinishedAt and ExitStatus set); use Start and Finish for a run in progress")
	}
	return j.insert(ctx, r)
}

// Finish records how run id ended. It fails, changing nothing, when id
// is not in the journal or has finished already.
func (j *Journal) Finish(ctx context.Context, id int64, f Finish) error {
	if err := checkServers(f.Servers); err != nil {
		return err
	}
	err := j.db.WithConn(ctx, func(conn *pgx.Conn) error {
		return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			tag, err := tx.Exec(ctx, `
				UPDATE vpsfleet.runs SET finished_at = COALESCE($2, now()), exit_status = $3, error = $4
				WHERE id = $1 AND finished_at IS NULL`,
				id, optionalTime(f.FinishedAt), f.ExitStatus, j.clean(f.Error))
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("run %d is not in the journal, or has finished already", id)
			}
			return j.writeServers(ctx, tx, id, f.Servers)
		})
	})
	if err != nil {
		return fmt.Errorf("journal: finish run %d: %w", id, err)
	}
	return nil
}

func (j *Journal) insert(ctx context.Context, r Run) (int64, error) {
	var id int64
	err := j.db.WithConn(ctx, func(conn *pgx.Conn) error {
		return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			var finished any
			if r.FinishedAt != nil {
				finished = *r.FinishedAt
			}
			plan := r.Plan
			if plan == nil {
				plan = map[string]int{}
			}
			err := tx.QueryRow(ctx, `
				INSERT INTO vpsfleet.runs (scope, operation, user_name, host, pid, command, ci_run_id, ci_run_url,
					started_at, finished_at, fleet_hash, plan, exit_status, error, backend_start)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, COALESCE($9, now()), $10, $11, $12, $13, $14,
					(SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()))
				RETURNING id`,
				r.Scope, r.Operation, r.User, r.Host, r.PID, j.clean(r.Command), r.CIRunID, r.CIRunURL,
				optionalTime(r.StartedAt), finished, r.FleetHash, plan, r.ExitStatus, j.clean(r.Error)).Scan(&id)
			if err != nil {
				return err
			}
			return j.writeServers(ctx, tx, id, r.Servers)
		})
	})
	if err != nil {
		return 0, fmt.Errorf("journal: record the %s run: %w", r.Operation, err)
	}
	return id, nil
}

// writeServers inserts or replaces the rows of servers for run id in one
// statement; new names go after the run's existing ones.
func (j *Journal) writeServers(ctx context.Context, tx pgx.Tx, id int64, servers []Server) error {
	if len(servers) == 0 {
		return nil
	}
	names := make([]string, len(servers))
	ids := make([]int64, len(servers))
	actions := make([]string, len(servers))
	outcomes := make([]string, len(servers))
	errs := make([]string, len(servers))
	for i, s := range servers {
		names[i], ids[i], outcomes[i], errs[i] = s.Name, s.ID, s.Outcome, j.clean(s.Error)
		actions[i] = strings.Join(s.Actions, " ")
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO vpsfleet.run_servers (run_id, ordinal, name, server_id, actions, outcome, error)
		SELECT $1, (SELECT COALESCE(max(ordinal), 0) FROM vpsfleet.run_servers WHERE run_id = $1) + s.ord,
			s.name, s.id, string_to_array(s.actions, ' '), s.outcome, s.error
		FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY
			AS s(name, id, actions, outcome, error, ord)
		ON CONFLICT (run_id, name) DO UPDATE
		SET server_id = EXCLUDED.server_id, actions = EXCLUDED.actions, outcome = EXCLUDED.outcome, error = EXCLUDED.error`,
		id, names, ids, actions, outcomes, errs)
	return err
}

func checkRun(r Run) error {
	var missing []string
	if r.Scope == "" {
		missing = append(missing, "scope")
	}
	if r.Operation == "" {
		missing = append(missing, "operation")
	}
	if len(missing) > 0 {
		return fmt.Errorf("journal: a run needs a %s", strings.Join(missing, " and an "))
	}
	return checkServers(r.Servers)
}

// checkServers refuses what the tables cannot hold: a server without a
// name, a name twice, an outcome missing, an action word with a space.
func checkServers(servers []Server) error {
	seen := make(map[string]bool, len(servers))
	for _, s := range servers {
		switch {
		case s.Name == "":
			return errors.New("journal: a server without a name")
		case seen[s.Name]:
			return fmt.Errorf("journal: server %s is given twice; a run has one row per server", s.Name)
		case s.Outcome == "":
			return fmt.Errorf("journal: server %s has no outcome", s.Name)
		}
		for _, a := range s.Actions {
			if a == "" || strings.ContainsAny(a, " \t\n") {
				return fmt.Errorf("journal: server %s has the action %q; action words are single words", s.Name, a)
			}
		}
		seen[s.Name] = true
	}
	return nil
}

// optionalTime is t, or nil (the database's now) when t is zero.
func optionalTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
