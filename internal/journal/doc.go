// Package journal records every apply and destroy made with a lock
// database, so that "who deleted web-03, and when?" has an answer
// (`vpsfleet runs -server web-03`).
//
// A run is written twice: Start when it begins (who, where, the fleet's
// hash, the plan's counts, and each server it will touch as "pending"),
// Finish when it ends (each server's outcome, the exit status). A run
// that never finishes (killed, crashed, its connection lost) keeps its
// pending rows and is listed as "unfinished" once its session is gone,
// or "running" while it lives. Record writes a whole run at once.
//
// The tables live beside the locks (schema vpsfleet, component
// "journal", created on first use and versioned by pgschema) and are
// written on the run's own lock session when it has one (a *lock.Postgres
// is a DB).
//
// # JSON
//
// List's runs serialise, in a Document, to
//
//	{
//	  "format_version": "1",
//	  "runs": [
//	    {
//	      "id": 42,
//	      "scope": "https://admin.vps.org",
//	      "operation": "apply",
//	      "user": "ci", "host": "runner-3", "pid": 4242,
//	      "command": "vpsfleet apply -auto-approve -token [redacted]",
//	      "ci_run_id": "GITHUB_RUN_ID=8123", "ci_run_url": "https://github.com/acme/infra/actions/runs/8123",
//	      "started_at": "2026-12-01T10:04:05Z",
//	      "finished_at": "2026-12-01T10:06:10Z",
//	      "state": "finished",
//	      "fleet_hash": "sha256:9f2c...",
//	      "plan": {"create": 1, "delete": 1},
//	      "exit_status": 0,
//	      "error": "",
//	      "servers": [
//	        {"name": "web-03", "id": 12347, "actions": ["delete"], "outcome": "done", "error": ""}
//	      ]
//	    }
//	  ]
//	}
//
// newest run first. finished_at and exit_status are null until the run
// finishes; state is "finished", "running" or "unfinished"; ci_run_id and
// ci_run_url are left out outside CI; plan holds the plan's counts by
// action word as the caller gave them; servers lists the servers the
// run touched, in the order given (only the one asked for when listing
// with a server name). A server's id is 0 when it had none (a create
// that was never sent); outcome is the executor's word ("done",
// "failed", "not started", "interrupted") or "pending".
package journal
