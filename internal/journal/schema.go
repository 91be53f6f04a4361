package journal

import "github.com/vpsfleet/vpsfleet/internal/pgschema"

// schema is the journal's part of the vpsfleet schema: one row per run,
// one per server a run touched. backend_pid and backend_start name the
// session that wrote the run, so an unfinished run can be told running
// (its session lives) from abandoned.
var schema = pgschema.Component{Name: "journal", Steps: []string{`
	CREATE TABLE vpsfleet.runs (
		id            bigserial PRIMARY KEY,
		scope         text NOT NULL,
		operation     text NOT NULL,
		user_name     text NOT NULL,
		host          text NOT NULL,
		pid           integer NOT NULL,
		command       text NOT NULL,
		ci_run_id     text NOT NULL DEFAULT '',
		ci_run_url    text NOT NULL DEFAULT '',
		started_at    timestamptz NOT NULL,
		finished_at   timestamptz,
		fleet_hash    text NOT NULL,
		plan          jsonb NOT NULL DEFAULT '{}',
		exit_status   integer,
		error         text NOT NULL DEFAULT '',
		backend_pid   integer NOT NULL DEFAULT pg_backend_pid(),
		backend_start timestamptz
	);
	CREATE INDEX runs_scope_id ON vpsfleet.runs (scope, id DESC);
	CREATE TABLE vpsfleet.run_servers (
		run_id    bigint NOT NULL REFERENCES vpsfleet.runs (id) ON DELETE CASCADE,
		ordinal   integer NOT NULL,
		name      text NOT NULL,
		server_id bigint NOT NULL DEFAULT 0,
		actions   text[] NOT NULL DEFAULT '{}',
		outcome   text NOT NULL,
		error     text NOT NULL DEFAULT '',
		PRIMARY KEY (run_id, name)
	);
	CREATE INDEX run_servers_name ON vpsfleet.run_servers (name, run_id DESC);
`}}
