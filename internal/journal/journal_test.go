package journal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vpsfleet/vpsfleet/internal/golden"
	"github.com/vpsfleet/vpsfleet/internal/lock"
	"github.com/vpsfleet/vpsfleet/internal/pgtest"
	"github.com/vpsfleet/vpsfleet/internal/runinfo"
)

var t0 = time.Date(2026, 12, 1, 10, 4, 5, 0, time.UTC)

func ci(user string) runinfo.Process {
	return runinfo.Process{User: user, Host: "runner-3", PID: 4242, Command: "vpsfleet apply -auto-approve -token [redacted]",
		CIRunID: "GITHUB_RUN_ID=8123", CIRunURL: "https://github.com/acme/infra/actions/runs/8123"}
}

func ptr[T any](v T) *T { return &v }

// openJournal opens a journal on a fresh database, on a plain session.
func openJournal(t *testing.T, o Options) (*Journal, *pgx.Conn, string) {
	t.Helper()
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	j, err := Open(context.Background(), Conn(conn), o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return j, conn, db
}

// threeRuns records a finished apply, a destroy started and finished,
// and an apply still running, and returns their ids.
func threeRuns(t *testing.T, j *Journal) (applied, destroyed, running int64) {
	t.Helper()
	ctx := context.Background()
	var err error
	applied, err = j.Record(ctx, Run{
		Scope: "https://admin.vps.org", Operation: "apply", Process: ci("ci"),
		StartedAt: t0, FinishedAt: ptr(t0.Add(2*time.Minute + 5*time.Second)),
		FleetHash: "sha256:9f2c", Plan: map[string]int{"create": 2, "update": 0},
		ExitStatus: ptr(0),
		Servers: []Server{
			{Name: "web-03", ID: 12347, Actions: []string{"create"}, Outcome: "done"},
			{Name: "web-04", ID: 12348, Actions: []string{"create"}, Outcome: "done"},
		},
	})
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	destroyed, err = j.Start(ctx, Run{
		Scope: "https://admin.vps.org", Operation: "destroy", Process: runinfo.Process{User: "alice", Host: "laptop", PID: 77, Command: "vpsfleet destroy"},
		StartedAt: t0.Add(time.Hour), FleetHash: "sha256:9f2c", Plan: map[string]int{"delete": 2},
		Servers: []Server{
			{Name: "web-03", ID: 12347, Actions: []string{"delete"}, Outcome: "ignored by Start"},
			{Name: "web-04", ID: 12348, Actions: []string{"delete"}},
		},
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	err = j.Finish(ctx, destroyed, Finish{
		FinishedAt: t0.Add(time.Hour + 30*time.Second), ExitStatus: 1, Error: "1 of 2 servers failed",
		Servers: []Server{
			{Name: "web-04", ID: 12348, Actions: []string{"delete"}, Outcome: "failed", Error: "DELETE /api/v1/servers/12348/: 500 Internal Server Error\nafter 5 retries"},
			{Name: "web-03", ID: 12347, Actions: []string{"delete"}, Outcome: "done"},
		},
	})
	if err != nil {
		t.Fatalf("Finish: %v", err)
	}
	running, err = j.Start(ctx, Run{
		Scope: "prod-eu", Operation: "apply", Process: ci("ci"), StartedAt: t0.Add(2 * time.Hour),
		FleetHash: "sha256:77aa", Plan: map[string]int{"replace": 1, "start": 1},
		Servers: []Server{{Name: "db-01", ID: 500, Actions: []string{"delete", "create"}}},
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	return applied, destroyed, running
}

func TestRecordAndList(t *testing.T) {
	j, _, _ := openJournal(t, Options{})
	threeRuns(t, j)
	runs, err := j.List(context.Background(), ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetIndent("", "  ")
	if err := enc.Encode(NewDocument(runs)); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/list.json", js.Bytes())
	var text bytes.Buffer
	if err := WriteText(&text, runs); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/list.txt", text.Bytes())
}

func TestListFilters(t *testing.T) {
	j, _, _ := openJournal(t, Options{})
	applied, destroyed, running := threeRuns(t, j)
	ctx := context.Background()
	tests := []struct {
		name    string
		opts    ListOptions
		ids     []int64
		servers []int // servers listed per run
	}{
		{"all", ListOptions{}, []int64{running, destroyed, applied}, []int{1, 2, 2}},
		{"who touched web-03", ListOptions{Server: "web-03"}, []int64{destroyed, applied}, []int{1, 1}},
		{"a server nobody touched", ListOptions{Server: "web-99"}, nil, nil},
		{"one scope", ListOptions{Scope: "prod-eu"}, []int64{running}, []int{1}},
		{"scope and server", ListOptions{Scope: "prod-eu", Server: "web-03"}, nil, nil},
		{"limit", ListOptions{Limit: 2}, []int64{running, destroyed}, []int{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runs, err := j.List(ctx, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			var servers []int
			for _, r := range runs {
				ids = append(ids, r.ID)
				servers = append(servers, len(r.Servers))
				for _, s := range r.Servers {
					if tt.opts.Server != "" && s.Name != tt.opts.Server {
						t.Errorf("run %d lists %s, not only %s", r.ID, s.Name, tt.opts.Server)
					}
				}
			}
			if fmt.Sprint(ids) != fmt.Sprint(tt.ids) || fmt.Sprint(servers) != fmt.Sprint(tt.servers) {
				t.Errorf("runs %v with servers %v, want %v with %v", ids, servers, tt.ids, tt.servers)
			}
		})
	}
	// "Who deleted web-03, and when?"
	runs, _ := j.List(ctx, ListOptions{Server: "web-03"})
	r := runs[0]
	if r.User != "alice" || r.Operation != "destroy" || r.Servers[0].Actions[0] != "delete" || r.Servers[0].Outcome != "done" ||
		r.FinishedAt == nil || !r.FinishedAt.Equal(t0.Add(time.Hour+30*time.Second)) {
		t.Errorf("newest run touching web-03 = %+v", r)
	}

	for _, limit := range []int{-1, MaxLimit + 1} {
		if _, err := j.List(ctx, ListOptions{Limit: limit}); err == nil || !strings.Contains(err.Error(), "give 1 to 1000") {
			t.Errorf("List(limit %d) = %v, want an error", limit, err)
		}
	}
}

func TestUnfinishedRunOfAGoneSession(t *testing.T) {
	j, _, db := openJournal(t, Options{})
	ctx := context.Background()
	other := pgtest.Connect(t, db)
	crashed, err := Open(ctx, Conn(other), Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, err := crashed.Start(ctx, Run{Scope: "s", Operation: "apply", Process: ci("ci"), FleetHash: "h",
		Servers: []Server{{Name: "web-01", Actions: []string{"create"}}}})
	if err != nil {
		t.Fatal(err)
	}
	runs, _ := j.List(ctx, ListOptions{})
	if runs[0].ID != id || runs[0].State != StateRunning {
		t.Errorf("while its session lives: %+v, want running", runs[0])
	}
	other.Close(ctx)
	// The server ends the session a moment after the client leaves.
	deadline := time.Now().Add(time.Minute)
	for {
		runs, err = j.List(ctx, ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if runs[0].State != StateRunning || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	r := runs[0]
	if r.State != StateUnfinished || r.FinishedAt != nil || r.ExitStatus != nil || r.Servers[0].Outcome != OutcomePending {
		t.Errorf("after its session ended: %+v, want unfinished with web-01 pending", r)
	}
	if r.StartedAt.IsZero() {
		t.Error("a zero StartedAt is the database's now, not zero")
	}
	var text bytes.Buffer
	WriteText(&text, runs)
	if !strings.Contains(text.String(), "unfinished (its session ended") {
		t.Errorf("text = %s", text.String())
	}
}

func TestFinishRefusesWhatIsNotOpen(t *testing.T) {
	j, _, _ := openJournal(t, Options{})
	applied, destroyed, _ := threeRuns(t, j)
	ctx := context.Background()
	for _, id := range []int64{applied, destroyed, 9999} {
		err := j.Finish(ctx, id, Finish{ExitStatus: 0, Servers: []Server{{Name: "web-03", Outcome: "done"}}})
		if err == nil || !strings.Contains(err.Error(), "not in the journal, or has finished already") {
			t.Errorf("Finish(%d) = %v", id, err)
		}
	}
	runs, _ := j.List(ctx, ListOptions{Server: "web-03"})
	if runs[0].ExitStatus == nil || *runs[0].ExitStatus != 1 {
		t.Errorf("a refused Finish changed run %d: %+v", runs[0].ID, runs[0])
	}
}

func TestBadRunsAreRefused(t *testing.T) {
	j, _, _ := openJournal(t, Options{})
	ctx := context.Background()
	done := ptr(t0)
	tests := []struct {
		name string
		run  Run
		want string
	}{
		{"no scope", Run{Operation: "apply"}, "needs a scope"},
		{"no operation", Run{Scope: "s"}, "needs a operation"},
		{"twice a name", Run{Scope: "s", Operation: "apply", Servers: []Server{{Name: "a", Outcome: "done"}, {Name: "a", Outcome: "done"}}}, "given twice"},
		{"no outcome", Run{Scope: "s", Operation: "apply", Servers: []Server{{Name: "a"}}}, "no outcome"},
		{"spaced action", Run{Scope: "s", Operation: "apply", Servers: []Server{{Name: "a", Outcome: "done", Actions: []string{"not started"}}}}, "single words"},
		{"not finished", Run{Scope: "s", Operation: "apply", FinishedAt: done}, "needs a finished run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.run
			if tt.name != "not finished" && r.FinishedAt == nil {
				r.FinishedAt, r.ExitStatus = done, ptr(0)
			}
			if _, err := j.Record(ctx, r); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Record = %v, want %q", err, tt.want)
			}
		})
	}
	if runs, _ := j.List(ctx, ListOptions{}); len(runs) != 0 {
		t.Errorf("refused runs were written: %+v", runs)
	}
}

func TestSecretsAreRedacted(t *testing.T) {
	j, conn, _ := openJournal(t, Options{Secrets: []string{"tok-5ecret", ""}})
	ctx := context.Background()
	_, err := j.Record(ctx, Run{Scope: "s", Operation: "apply", Process: runinfo.Process{Command: "vpsfleet apply -token=tok-5ecret"},
		FinishedAt: ptr(t0), ExitStatus: ptr(1), Error: "the API said: bad token tok-5ecret",
		Servers: []Server{{Name: "web-01", Outcome: "failed", Error: "echo tok-5ecret", Actions: []string{}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var raw string
	if err := conn.QueryRow(ctx, `SELECT r::text || string_agg(s::text, '') FROM vpsfleet.runs r JOIN vpsfleet.run_servers s ON s.run_id = r.id GROUP BY r.*`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(raw, "tok-5ecret") || strings.Count(raw, "[redacted]") != 3 {
		t.Errorf("stored %s: want the secret redacted three times", raw)
	}
	if j.clean(strings.Repeat("é", 3000)) == strings.Repeat("é", 3000) || len(j.clean(strings.Repeat("é", 3000))) > maxText {
		t.Error("long texts are not cut to maxText")
	}
}

func TestOpenTwiceKeepsTheJournal(t *testing.T) {
	j, conn, _ := openJournal(t, Options{})
	threeRuns(t, j)
	ctx := context.Background()
	again, err := Open(ctx, Conn(conn), Options{})
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	runs, err := again.List(ctx, ListOptions{})
	if err != nil || len(runs) != 3 {
		t.Fatalf("after a second Open: %d runs, %v; want the 3 recorded", len(runs), err)
	}
	var version int
	if err := conn.QueryRow(ctx, `SELECT version FROM vpsfleet.schema_version WHERE component = 'journal'`).Scan(&version); err != nil || version != schema.Version() {
		t.Errorf("journal schema version = %d (%v), want %d", version, err, schema.Version())
	}
}

// TestOnTheLockSession writes the journal on a run's lock session, and
// sees it refuse once that session is lost.
func TestOnTheLockSession(t *testing.T) {
	db := pgtest.NewDatabase(t)
	ctx := context.Background()
	l, err := lock.OpenPostgres(ctx, lock.Options{URL: db, Scope: "s", Process: ci("ci"), Heartbeat: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Lock(ctx, []string{"web-01"}, lock.Wait{}); err != nil {
		t.Fatal(err)
	}
	j, err := Open(ctx, l, Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, err := j.Start(ctx, Run{Scope: "s", Operation: "apply", Process: ci("ci"), FleetHash: "h",
		Servers: []Server{{Name: "web-01", Actions: []string{"create"}}}})
	if err != nil {
		t.Fatal(err)
	}
	obs := pgtest.Connect(t, db)
	if _, err := obs.Exec(ctx, `SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE application_name = 'vpsfleet' AND datname = current_database()`); err != nil {
		t.Fatal(err)
	}
	<-l.Context().Done()
	err = j.Finish(ctx, id, Finish{ExitStatus: 0, Servers: []Server{{Name: "web-01", Outcome: "done"}}})
	if !errors.Is(err, lock.ErrLost) {
		t.Errorf("Finish on a lost session = %v, want ErrLost", err)
	}
	other, err := Open(ctx, Conn(obs), Options{})
	if err != nil {
		t.Fatal(err)
	}
	runs, _ := other.List(ctx, ListOptions{})
	if len(runs) != 1 || runs[0].State != StateUnfinished {
		t.Errorf("runs = %+v, want the one run unfinished", runs)
	}
}

func TestWriteTextManyServers(t *testing.T) {
	r := Run{ID: 7, Scope: "https://admin.vps.org", Operation: "apply", Process: ci("ci"), State: StateFinished,
		StartedAt: t0, FinishedAt: ptr(t0.Add(95 * time.Second)), ExitStatus: ptr(1), FleetHash: "sha256:1",
		Plan: map[string]int{"create": 14, "custom": 1}, Error: "2 servers failed"}
	for i := range 14 {
		s := Server{Name: fmt.Sprintf("web-%02d", i+1), ID: int64(100 + i), Actions: []string{"create"}, Outcome: "done"}
		if i%5 == 4 {
			s.Outcome, s.Error = "failed", "402 Insufficient credits"
		}
		r.Servers = append(r.Servers, s)
	}
	var b bytes.Buffer
	if err := WriteText(&b, []Run{r}); err != nil {
		t.Fatal(err)
	}
	if err := WriteText(&b, nil); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/many.txt", b.Bytes())
}
