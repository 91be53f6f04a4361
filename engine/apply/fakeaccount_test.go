package apply

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine/apply/poll"
)

// memAccount is an account in memory whose statuses follow time.Now, so
// that under testing/synctest an apply runs in fake time: a server
// provisions for provision(id) (default 4 s; a negative duration: for
// ever) and stops or starts in transition. Every request takes
// requestTime. It counts requests as the API would: a list costs a
// request for each page of poll.ListPageSize servers.
type memAccount struct {
	provision   func(id int64) time.Duration
	transition  time.Duration
	requestTime time.Duration

	mu      sync.Mutex
	nextID  int64
	servers map[int64]*memServer
	// requests by kind: "list", "stable list", "get", "create", "stop",
	// "start", "delete", "update"; log is every request's kind with its
	// time, in order.
	requests map[string]int
	log      []memRequest
}

type memRequest struct {
	kind string
	at   time.Time
}

type memServer struct {
	srv api.Server
	// status is srv.Status until until, then next.
	until time.Time
	next  api.Status
}

func newMemAccount() *memAccount {
	return &memAccount{
		provision:  func(int64) time.Duration { return 4 * time.Second },
		transition: time.Second,
		nextID:     12345,
		servers:    map[int64]*memServer{},
		requests:   map[string]int{},
	}
}

// request counts one request of kind, n times, after its time.
func (a *memAccount) request(kind string, n int) {
	if a.requestTime > 0 {
		time.Sleep(a.requestTime)
	}
	a.mu.Lock()
	a.requests[kind] += n
	a.log = append(a.log, memRequest{kind, time.Now()})
	a.mu.Unlock()
}

func (a *memAccount) count(kind string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.requests[kind]
}

// total counts every request.
func (a *memAccount) total() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, c := range a.requests {
		n += c
	}
	return n
}

// view is s as it is now.
func (s *memServer) view(now time.Time) api.Server {
	v := s.srv
	if !s.until.IsZero() && !now.Before(s.until) {
		v.Status = s.next
	}
	return v
}

func notFound(id int64) error {
	return &api.Error{Status: 404, Method: "GET", Path: fmt.Sprintf("/api/v1/servers/%d/", id), Detail: "Not found."}
}

func (a *memAccount) ListServers(ctx context.Context, opts api.ListOptions) ([]api.Server, error) {
	a.mu.Lock()
	n := len(a.servers)
	a.mu.Unlock()
	kind := "list"
	if opts.Stable {
		kind = "stable list"
	}
	pages := max(1, (n+poll.ListPageSize-1)/poll.ListPageSize)
	a.request(kind, pages)
	// Page by page, in the order of ids, each as it is at the time it is
	// read, shown to opts.Visit as the client does.
	var out []api.Server
	for number := 1; ; number++ {
		a.mu.Lock()
		now := time.Now()
		all := make([]api.Server, 0, len(a.servers))
		for _, s := range a.servers {
			all = append(all, s.view(now))
		}
		a.mu.Unlock()
		sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
		from := min((number-1)*poll.ListPageSize, len(all))
		page := all[from:min(from+poll.ListPageSize, len(all))]
		out = append(out, page...)
		more := from+len(page) < len(all)
		if opts.Visit != nil {
			if err := opts.Visit(ctx, api.Page{Number: number, Count: len(all), Servers: page, More: more}); err != nil {
				return nil, err
			}
		}
		if !more {
			return out, nil
		}
	}
}

func (a *memAccount) GetServer(ctx context.Context, id int64) (*api.Server, error) {
	a.request("get", 1)
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.servers[id]
	if !ok {
		return nil, notFound(id)
	}
	v := s.view(time.Now())
	return &v, nil
}

func (a *memAccount) CreateServer(ctx context.Context, req api.CreateRequest) (*api.Server, error) {
	a.request("create", 1)
	a.mu.Lock()
	defer a.mu.Unlock()
	id := a.nextID
	a.nextID++
	now := time.Now()
	s := &memServer{srv: api.Server{ID: id, Name: req.Name, Status: api.StatusProvisioning, Location: req.Location,
		Plan: api.Plan{ID: req.PlanID}, OS: api.OS{ID: req.OSID}, CreatedAt: now, UpdatedAt: now}}
	if d := a.provision(id); d >= 0 {
		s.until, s.next = now.Add(d), api.StatusActive
	}
	a.servers[id] = s
	v := s.srv
	return &v, nil
}

func (a *memAccount) UpdateServer(ctx context.Context, id int64, req api.UpdateRequest) (*api.Server, error) {
	a.request("update", 1)
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.servers[id]
	if !ok {
		return nil, notFound(id)
	}
	if req.Name != nil {
		s.srv.Name = *req.Name
	}
	if req.Hostname != nil {
		s.srv.Hostname = *req.Hostname
	}
	v := s.view(time.Now())
	return &v, nil
}

func (a *memAccount) DeleteServer(ctx context.Context, id int64) error {
	a.request("delete", 1)
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.servers[id]; !ok {
		return notFound(id)
	}
	delete(a.servers, id)
	return nil
}

// power moves server id from status from to to through moving.
func (a *memAccount) power(kind string, id int64, from, moving, to api.Status) (*api.ActionResult, error) {
	a.request(kind, 1)
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.servers[id]
	if !ok {
		return nil, notFound(id)
	}
	now := time.Now()
	if v := s.view(now); v.Status != from {
		return nil, &api.Error{Status: 400, Method: "POST", Detail: "Server is " + string(v.Status)}
	}
	s.srv.Status, s.until, s.next = moving, now.Add(a.transition), to
	return &api.ActionResult{Status: "success", Server: api.ActionServer{ID: id, Name: s.srv.Name, Status: moving}}, nil
}

func (a *memAccount) StartServer(ctx context.Context, id int64) (*api.ActionResult, error) {
	return a.power("start", id, api.StatusStopped, api.StatusStarting, api.StatusActive)
}

func (a *memAccount) StopServer(ctx context.Context, id int64) (*api.ActionResult, error) {
	return a.power("stop", id, api.StatusActive, api.StatusStopping, api.StatusStopped)
}

func (a *memAccount) RebootServer(ctx context.Context, id int64) (*api.ActionResult, error) {
	return a.power("reboot", id, api.StatusActive, api.StatusRebooting, api.StatusActive)
}
