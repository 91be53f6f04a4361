package api_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

// Contract tests: every endpoint and every documented status code, through
// the real client against the real sandbox, over HTTP and in-process.

var transports = []struct {
	name   string
	inProc bool
}{{"http", false}, {"in-process", true}}

func ptr[T any](v T) *T { return &v }

func TestContractList(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			f := newFixture(t, tr.inProc, sandbox.Options{})
			ctx := context.Background()
			all, err := f.client.ListServers(ctx, api.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range all {
				names = append(names, s.Name)
				if s.BackupsEnabled != nil {
					t.Errorf("list item %s has backups_enabled; the list does not return it", s.Name)
				}
			}
			if !slices.Equal(names, []string{"web-server-01", "db-server-01"}) || all[0].ID != 12345 {
				t.Errorf("list = %v", names)
			}
			east, err := f.client.ListServers(ctx, api.ListOptions{Location: "us-east", Status: api.StatusActive})
			if err != nil || len(east) != 1 || east[0].Name != "db-server-01" {
				t.Errorf("filtered list = %+v, %v", east, err)
			}
			stopped, err := f.client.ListServers(ctx, api.ListOptions{Status: api.StatusStopped})
			if err != nil || stopped == nil || len(stopped) != 0 {
				t.Errorf("list of stopped = %#v, %v; want an empty, non-nil list", stopped, err)
			}
			if _, err := f.other(t, "wrong").ListServers(ctx, api.ListOptions{}); !api.IsUnauthorized(err) {
				t.Errorf("wrong token: %v, want 401", err)
			}
		})
	}
}

func TestContractPagination(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			f := newFixture(t, tr.inProc, sandbox.Options{Empty: true, PageSize: 7})
			specs := make([]sandbox.ServerSpec, 40)
			for i := range specs {
				specs[i] = sandbox.ServerSpec{Name: "s-" + string(rune('a'+i%26)) + "x", PlanID: 1, OSID: 5, Location: []string{"us-west", "us-east"}[i%2], Stopped: i%3 == 0}
			}
			if _, err := f.account.Import(specs); err != nil {
				t.Fatal(err)
			}
			all, err := f.client.ListServers(context.Background(), api.ListOptions{})
			if err != nil || len(all) != 40 {
				t.Fatalf("list: %d servers, %v", len(all), err)
			}
			if got := f.client.RequestCount(); got != 6 {
				t.Errorf("%d requests for 40 servers in pages of 7, want 6", got)
			}
			west, err := f.client.ListServers(context.Background(), api.ListOptions{Location: "us-west", Status: api.StatusStopped})
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for i := range specs {
				if i%2 == 0 && i%3 == 0 {
					want++
				}
			}
			if len(west) != want {
				t.Errorf("filtered across pages: %d servers, want %d", len(west), want)
			}
		})
	}
}

func TestContractCreate(t *testing.T) {
	valid := api.CreateRequest{Name: "web-server-02", PlanID: 1, OSID: 5, Location: "us-west", Hostname: "web02.example.com", BackupsEnabled: ptr(true)}
	tests := []struct {
		name    string
		opts    sandbox.Options
		token   string
		req     api.CreateRequest
		check   func(error) bool // nil: success
		field   string           // a field that must be in Error.Fields
		detail  string
		created int // servers named req.Name afterwards
	}{
		{"201", sandbox.Options{}, "", valid, nil, "", "", 1},
		{"400 blank name", sandbox.Options{}, "", api.CreateRequest{PlanID: 1, OSID: 5, Location: "us-west"}, api.IsBadRequest, "name", "", 0},
		{"400 unknown plan", sandbox.Options{}, "", api.CreateRequest{Name: "x-1", PlanID: 99, OSID: 5, Location: "us-west"}, api.IsBadRequest, "plan_id", "", 0},
		{"400 bad hostname", sandbox.Options{}, "", api.CreateRequest{Name: "x-1", PlanID: 1, OSID: 5, Location: "us-west", Hostname: "nodots"}, api.IsBadRequest, "hostname", "", 0},
		{"401", sandbox.Options{}, "bad-token", valid, api.IsUnauthorized, "", "Invalid token.", 0},
		{"402", sandbox.Options{Credits: 5}, "", valid, api.IsPaymentRequired, "", "Insufficient credits", 0},
	}
	for _, tr := range transports {
		for _, tt := range tests {
			t.Run(tr.name+"/"+tt.name, func(t *testing.T) {
				opts := tt.opts
				opts.ProvisionDelay = time.Minute
				f := newFixture(t, tr.inProc, opts)
				c := f.client
				if tt.token != "" {
					c = f.other(t, tt.token)
				}
				s, err := c.CreateServer(context.Background(), tt.req)
				if tt.check == nil {
					if err != nil {
						t.Fatal(err)
					}
					if s.ID != 12347 || s.Status != api.StatusProvisioning || s.IPAddress != nil || s.BackupsEnabled == nil || !*s.BackupsEnabled || s.Hostname != "web02.example.com" {
						t.Errorf("created %+v", s)
					}
					f.clock.Advance(time.Minute)
					got, err := f.client.GetServer(context.Background(), s.ID)
					if err != nil || got.Status != api.StatusActive || got.IPAddress == nil {
						t.Errorf("after the provision delay: %+v, %v", got, err)
					}
				} else {
					checkError(t, err, tt.check, tt.field, tt.detail)
				}
				if n := f.byName(t, tt.req.Name); tt.req.Name != "" && n != tt.created {
					t.Errorf("%d servers named %q, want %d", n, tt.req.Name, tt.created)
				}
			})
		}
	}
}

// checkError checks err against a status predicate, a field that must
// have messages, and a detail.
func checkError(t *testing.T, err error, check func(error) bool, field, detail string) {
	t.Helper()
	if !check(err) {
		t.Fatalf("err = %v, not the expected status", err)
	}
	var e *api.Error
	if !errors.As(err, &e) {
		t.Fatalf("err %T is not an *api.Error", err)
	}
	if field != "" && len(e.Fields[field]) == 0 {
		t.Errorf("no messages for %q in %v", field, e.Fields)
	}
	if detail != "" && e.Detail != detail {
		t.Errorf("Detail = %q, want %q", e.Detail, detail)
	}
	if e.Method == "" || !strings.HasPrefix(e.Path, "/api/v1/servers/") {
		t.Errorf("error does not name the request: %q %q", e.Method, e.Path)
	}
}

func TestContractGet(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			f := newFixture(t, tr.inProc, sandbox.Options{})
			ctx := context.Background()
			s, err := f.client.GetServer(ctx, 12345)
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != "web-server-01" || s.IPv6Address == nil || s.BackupsEnabled == nil || s.ResourceUsage == nil ||
				s.Plan.Bandwidth == nil || *s.Plan.Bandwidth != 2048 || s.OS.ID != 5 {
				t.Errorf("detail %+v", s)
			}
			_, err = f.client.GetServer(ctx, 99999)
			checkError(t, err, api.IsNotFound, "", "Not found.")
			_, err = f.other(t, "nope").GetServer(ctx, 12345)
			checkError(t, err, api.IsUnauthorized, "", "")
		})
	}
}

func TestContractReplaceAndUpdate(t *testing.T) {
	ctx := context.Background()
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			f := newFixture(t, tr.inProc, sandbox.Options{})
			s, err := f.client.ReplaceServer(ctx, 12345, api.ReplaceRequest{Name: "web-server-updated", Hostname: "web-updated.example.com", BackupsEnabled: false})
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != "web-server-updated" || s.Hostname != "web-updated.example.com" || s.BackupsEnabled == nil || *s.BackupsEnabled {
				t.Errorf("PUT answer %+v", s)
			}
			_, err = f.client.ReplaceServer(ctx, 12345, api.ReplaceRequest{Name: "9bad", Hostname: "x.example.com"})
			checkError(t, err, api.IsBadRequest, "name", "")
			_, err = f.client.ReplaceServer(ctx, 99999, api.ReplaceRequest{Name: "a", Hostname: "a.example.com"})
			checkError(t, err, api.IsNotFound, "", "")
			_, err = f.other(t, "nope").ReplaceServer(ctx, 12345, api.ReplaceRequest{Name: "a", Hostname: "a.example.com"})
			checkError(t, err, api.IsUnauthorized, "", "")

			s, err = f.client.UpdateServer(ctx, 12345, api.UpdateRequest{Hostname: ptr("patched.example.com")})
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != "web-server-updated" || s.Hostname != "patched.example.com" {
				t.Errorf("PATCH changed more than the hostname: %+v", s)
			}
			s, err = f.client.UpdateServer(ctx, 12345, api.UpdateRequest{BackupsEnabled: ptr(true), Name: ptr("web-renamed")})
			if err != nil || s.Name != "web-renamed" || s.BackupsEnabled == nil || !*s.BackupsEnabled || s.Hostname != "patched.example.com" {
				t.Errorf("PATCH answer %+v, %v", s, err)
			}
			_, err = f.client.UpdateServer(ctx, 12345, api.UpdateRequest{Hostname: ptr("not a host")})
			checkError(t, err, api.IsBadRequest, "hostname", "")
			_, err = f.client.UpdateServer(ctx, 99999, api.UpdateRequest{Name: ptr("x")})
			checkError(t, err, api.IsNotFound, "", "")
			_, err = f.other(t, "nope").UpdateServer(ctx, 12345, api.UpdateRequest{Name: ptr("x")})
			checkError(t, err, api.IsUnauthorized, "", "")
		})
	}
}

func TestContractDelete(t *testing.T) {
	ctx := context.Background()
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			f := newFixture(t, tr.inProc, sandbox.Options{})
			if err := f.other(t, "nope").DeleteServer(ctx, 12345); !api.IsUnauthorized(err) {
				t.Errorf("401: %v", err)
			}
			if err := f.client.DeleteServer(ctx, 12345); err != nil {
				t.Fatal(err)
			}
			if _, err := f.client.GetServer(ctx, 12345); !api.IsNotFound(err) {
				t.Errorf("deleted server still there: %v", err)
			}
			checkError(t, f.client.DeleteServer(ctx, 12345), api.IsNotFound, "", "Not found.")
		})
	}
}

func TestContractActions(t *testing.T) {
	ctx := context.Background()
	type action func(context.Context, int64) (*api.ActionResult, error)
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			f := newFixture(t, tr.inProc, sandbox.Options{TransitionDelay: 10 * time.Second})
			c := f.client
			steps := []struct {
				name    string
				do      action
				id      int64
				want    api.Status // "" expects an error
				check   func(error) bool
				advance bool // let the transition finish afterwards
			}{
				{"start active: 400", c.StartServer, 12345, "", api.IsBadRequest, false},
				{"reboot active", c.RebootServer, 12345, api.StatusRebooting, nil, true},
				{"stop active", c.StopServer, 12345, api.StatusStopping, nil, true},
				{"stop stopped: 400", c.StopServer, 12345, "", api.IsBadRequest, false},
				{"reboot stopped: 400", c.RebootServer, 12345, "", api.IsBadRequest, false},
				{"start stopped", c.StartServer, 12345, api.StatusStarting, nil, true},
				{"start 404", c.StartServer, 99999, "", api.IsNotFound, false},
				{"stop 404", c.StopServer, 99999, "", api.IsNotFound, false},
				{"reboot 404", c.RebootServer, 99999, "", api.IsNotFound, false},
			}
			for _, st := range steps {
				r, err := st.do(ctx, st.id)
				if st.want == "" {
					if !st.check(err) {
						t.Errorf("%s: err = %v", st.name, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
				if r.Status != "success" || r.Server.ID != st.id || r.Server.Status != st.want || r.Message == "" {
					t.Errorf("%s: %+v", st.name, r)
				}
				if st.advance {
					f.clock.Advance(10 * time.Second)
				}
			}
			s, err := c.GetServer(ctx, 12345)
			if err != nil || s.Status != api.StatusActive {
				t.Errorf("final status %v, %v", s, err)
			}
			f.provider(t, "/_sandbox/servers/12346/suspend/")
			for _, do := range []action{c.StartServer, c.StopServer, c.RebootServer} {
				if _, err := do(ctx, 12346); !api.IsBadRequest(err) {
					t.Errorf("action on a suspended server: %v, want 400", err)
				}
			}
			if _, err := f.other(t, "nope").StopServer(ctx, 12345); !api.IsUnauthorized(err) {
				t.Errorf("401: %v", err)
			}
		})
	}
}
