package poll

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
)

// The tests here drive a Poller alone, with a run and chains of their
// own (fakeRun, fakeChain), in a synctest bubble: no executor, fake time,
// and the bubble checks that nothing of the poller is left running.

// fakeRun is a run whose account holds servers; its workers are
// goroutines.
type fakeRun struct {
	mu      sync.Mutex
	servers map[int64]api.Status
	lists   int
	stopErr error
	workers sync.WaitGroup
}

func (f *fakeRun) Push(task func()) { f.workers.Go(task) }

func (f *fakeRun) List(api.ListOptions) ([]api.Server, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists++
	var out []api.Server
	for id, st := range f.servers {
		out = append(out, api.Server{ID: id, Status: st})
	}
	return out, nil
}

func (f *fakeRun) Quiet() (int64, bool) { return 0, false }
func (f *fakeRun) Sent() int64          { return 0 }
func (f *fakeRun) AccountSize() int     { return 2 * ListPageSize }
func (f *fakeRun) StopErr() error       { return f.stopErr }

// fakeChain is a parked chain that records how its wait ended.
type fakeChain struct {
	run   *fakeRun
	ended chan error
}

func (c *fakeChain) Halted() bool { return false }

func (c *fakeChain) Get(id int64) (*api.Server, error) {
	c.run.mu.Lock()
	defer c.run.mu.Unlock()
	return &api.Server{ID: id, Status: c.run.servers[id]}, nil
}

func (c *fakeChain) Still(int64, string) {}

func (c *fakeChain) Then(_ api.Server, err error) { c.ended <- err }

// TestPollerAlone: waiters whose servers become active are all served by
// one list once more are due than a list has pages; Halt ends the waits
// that must stop (not a finishing one's until Halt(true)) with the run's
// stop error.
func TestPollerAlone(t *testing.T) {
	t.Parallel()
	cfg := Config{First: 500 * time.Millisecond, Max: 5 * time.Second, Timeout: 10 * time.Minute}

	t.Run("one list serves every waiter", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			run := &fakeRun{servers: map[int64]api.Status{1: api.StatusActive, 2: api.StatusActive, 3: api.StatusActive}}
			p := New(context.Background(), run, cfg)
			c := &fakeChain{run: run, ended: make(chan error, 3)}
			for id := range int64(3) {
				p.Park(NewWaiter(Wait{ID: id + 1, Goal: GoalActive}, c, time.Now()))
			}
			for range 3 {
				if err := <-c.ended; err != nil {
					t.Errorf("wait ended with %v, want nil", err)
				}
			}
			p.Wait()
			run.workers.Wait()
			if st := p.Stats(); st.Lists != 1 || st.Looks != 0 || st.Parked != 0 || st.MostParked != 3 || st.Running {
				t.Errorf("stats %+v, want one list, no GET, 3 parked at most, none now", st)
			}
		})
	})

	t.Run("Halt ends the waits that must stop", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			stop := errors.New("interrupted")
			run := &fakeRun{servers: map[int64]api.Status{1: api.StatusProvisioning, 2: api.StatusProvisioning}, stopErr: stop}
			ctx, cancel := context.WithCancel(context.Background())
			p := New(ctx, run, cfg)
			plain := &fakeChain{run: run, ended: make(chan error, 1)}
			finishing := &fakeChain{run: run, ended: make(chan error, 1)}
			p.Park(NewWaiter(Wait{ID: 1, Goal: GoalActive}, plain, time.Now()))
			p.Park(NewWaiter(Wait{ID: 2, Goal: GoalActive, Finishing: true}, finishing, time.Now()))
			time.Sleep(2 * time.Second)
			p.Halt(false)
			if err := <-plain.ended; !errors.Is(err, stop) {
				t.Errorf("the wait ended with %v, want the run's stop error", err)
			}
			synctest.Wait()
			select {
			case err := <-finishing.ended:
				t.Fatalf("a finishing wait ended on Halt(false), with %v", err)
			default:
			}
			p.Halt(true)
			if err := <-finishing.ended; !errors.Is(err, stop) {
				t.Errorf("the finishing wait ended with %v, want the run's stop error", err)
			}
			cancel()
			p.Wait()
			run.workers.Wait()
		})
	})
}
