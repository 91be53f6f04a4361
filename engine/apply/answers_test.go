package apply

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"
)

// hostile serves the sandbox acct through rewrite, which may change an
// answer's body before the client reads it: a hostile or broken API.
func hostile(t *testing.T, acct *sandbox.Account, rewrite func(r *http.Request, status int, body []byte) []byte) *api.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		acct.ServeHTTP(rec, r)
		body := rewrite(r, rec.Code, rec.Body.Bytes())
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	c, err := api.New(srv.URL, "t", api.WithBackoff(func(int) time.Duration { return time.Millisecond }), api.WithSleep(et.ShortSleep))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCreateAnsweredWithAnotherServer: a 201 that names another server's
// id is not counted as created, is not waited for, and is not sent again.
func TestCreateAnsweredWithAnotherServer(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: 5 * time.Millisecond})
	e.Import(t, et.Spec("web-00"))
	other := e.list(t)[0]
	forged, _ := json.Marshal(other)
	c := hostile(t, e.acct, func(r *http.Request, status int, body []byte) []byte {
		if r.Method == http.MethodPost && r.URL.Path == "/api/v1/servers/" && status == http.StatusCreated {
			return forged
		}
		return body
	})
	opts := fastOptions()
	opts.KnownIDs = []int64{other.ID}
	res := mustApply(t, c, createPlan("web-01"), opts)
	r := resultOf(t, res, "web-01")
	if r.Outcome != OutcomeFailed || res.Created != 0 || !strings.Contains(r.Err.Error(), `answered with server "web-00"`) {
		t.Fatalf("outcome %s, created %d, err %v; want a failure that names the wrong answer, nothing counted", r.Outcome, res.Created, r.Err)
	}
	if n := e.acct.Stats().Requests["POST /api/v1/servers/"]; n != 1 {
		t.Errorf("%d creates sent, want 1 (never sent again)", n)
	}
}

// TestWaitRefusesAnIDUnderAnotherName: when the id the create answered
// with shows up in the account under another name (an id reissued), the
// wait fails at once instead of passing it as the server made.
func TestWaitRefusesAnIDUnderAnotherName(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: 5 * time.Millisecond})
	c := hostile(t, e.acct, func(r *http.Request, status int, body []byte) []byte {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/servers/") {
			return bytes.ReplaceAll(body, []byte(`"name":"web-01"`), []byte(`"name":"db-99"`))
		}
		return body
	})
	opts := fastOptions()
	opts.Timeout = time.Hour
	res := mustApply(t, c, createPlan("web-01"), opts)
	r := resultOf(t, res, "web-01")
	if r.Outcome != OutcomeFailed || r.Err == nil || !strings.Contains(r.Err.Error(), `now carries the name "db-99"`) {
		t.Fatalf("outcome %s, err %v; want the wait refused at once", r.Outcome, r.Err)
	}
}

// TestLostCreateDoesNotAdoptARenamedServer: after a lost answer, a server
// that existed before and was renamed into the name is neither adopted nor
// doubled by sending the create again.
func TestLostCreateDoesNotAdoptARenamedServer(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: 5 * time.Millisecond})
	e.Import(t, et.Spec("old-09"))
	old := e.list(t)[0]
	acct := &hookedAccount{Account: e.client, create: func(ctx context.Context, req api.CreateRequest) (*api.Server, error, bool) {
		name := req.Name
		if _, err := e.client.UpdateServer(ctx, old.ID, api.UpdateRequest{Name: &name}); err != nil {
			t.Error(err)
		}
		return nil, &api.Error{Method: "POST", Path: "/api/v1/servers/", Detail: "connection reset", OutcomeUnknown: true, Attempts: 1}, true
	}}
	opts := fastOptions()
	opts.KnownIDs = []int64{old.ID}
	res := mustApply(t, acct, createPlan("web-01"), opts)
	r := resultOf(t, res, "web-01")
	if r.Outcome != OutcomeFailed || !strings.Contains(r.Err.Error(), "existed before this create was sent") || res.Created != 0 {
		t.Fatalf("outcome %s, created %d, err %v; want no adoption", r.Outcome, res.Created, r.Err)
	}
	if got := len(e.list(t)); got != 1 {
		t.Errorf("account holds %d servers, want only the renamed one", got)
	}
}

// TestApplyEndsByNamingDuplicates: a managed name that two live servers
// carry once apply is done makes it fail, naming both ids.
func TestApplyEndsByNamingDuplicates(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: 5 * time.Millisecond})
	// Someone else makes a second web-02 while this apply creates web-01.
	acct := &hookedAccount{Account: e.client, afterCreate: func(api.CreateRequest) {
		e.Import(t, et.Spec("web-02"), et.Spec("web-02"))
	}}
	opts := fastOptions()
	opts.Managed = func(name string) bool { return strings.HasPrefix(name, "web-") }
	res := mustApply(t, acct, createPlan("web-01"), opts)
	if res.OK() || len(res.Duplicates) != 1 || res.Duplicates[0].Name != "web-02" || len(res.Duplicates[0].IDs) != 2 {
		t.Fatalf("OK %v, duplicates %+v; want web-02 named with both ids", res.OK(), res.Duplicates)
	}
	if r := resultOf(t, res, "web-01"); r.Outcome != OutcomeDone {
		t.Errorf("web-01: %s", r.Outcome)
	}
}
