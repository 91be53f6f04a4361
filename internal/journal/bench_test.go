package journal

import (
	"context"
	"fmt"
	"testing"

	"github.com/vpsfleet/vpsfleet/internal/pgtest"
)

// BenchmarkJournal1000 measures what the journal adds to a run of 1,000
// servers: Start with every server pending, then Finish with every
// outcome (two transactions, one statement each for the servers).
func BenchmarkJournal1000(b *testing.B) {
	db := pgtest.NewDatabase(b)
	conn := pgtest.Connect(b, db)
	ctx := context.Background()
	j, err := Open(ctx, Conn(conn), Options{Secrets: []string{"tok"}})
	if err != nil {
		b.Fatal(err)
	}
	servers := make([]Server, 1000)
	for i := range servers {
		servers[i] = Server{Name: fmt.Sprintf("web-%04d", i+1), ID: int64(i + 1), Actions: []string{"create"}, Outcome: "done"}
	}
	for b.Loop() {
		id, err := j.Start(ctx, Run{Scope: "bench", Operation: "apply", Process: ci("ci"), FleetHash: "h",
			Plan: map[string]int{"create": 1000}, Servers: servers})
		if err != nil {
			b.Fatal(err)
		}
		if err := j.Finish(ctx, id, Finish{ExitStatus: 0, Servers: servers}); err != nil {
			b.Fatal(err)
		}
	}
}
