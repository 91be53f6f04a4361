package api_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vpsfleet/vpsfleet/api"
)

// Answers the engine relies on are checked: a success that does not say
// what was asked for is an error at once, not a wait that times out.
func TestUnusableAnswers(t *testing.T) {
	name := "web-1"
	opUpdate := func(ctx context.Context, c *api.Client) error {
		_, err := c.UpdateServer(ctx, 12345, api.UpdateRequest{Name: &name})
		return err
	}
	tests := []struct {
		name    string
		op      op
		answer  step
		want    string // in the error
		unknown bool   // OutcomeUnknown
	}{
		{"create: no id", opCreate, step{status: 201, body: `{"name": "web-1", "status": "provisioning"}`}, "no usable server id (0)", true},
		{"create: id zero", opCreate, step{status: 201, body: `{"id": 0, "name": "web-1"}`}, "no usable server id (0)", true},
		{"create: negative id", opCreate, step{status: 201, body: `{"id": -4, "name": "web-1"}`}, "no usable server id (-4)", true},
		{"create: no name", opCreate, step{status: 201, body: `{"id": 12347}`}, "names no server", true},
		{"create: an empty object", opCreate, step{status: 201, body: `{}`}, "no usable server id", true},
		{"create: null", opCreate, step{status: 201, body: `null`}, "no usable server id", true},
		{"get: another id", opGet, step{status: 200, body: `{"id": 999, "name": "web-server-01"}`}, "server 999, not 12345", false},
		{"get: no id", opGet, step{status: 200, body: `{"name": "web-server-01"}`}, "names no server id", false},
		{"patch: another id", opUpdate, step{status: 200, body: `{"id": 7, "name": "web-1"}`}, "server 7, not 12345", true},
		{"put: no id", opReplace, step{status: 200, body: `{"name": "a"}`}, "names no server id", true},
		{"start: another id", opStart, step{status: 200, body: `{"status": "success", "server": {"id": 5, "status": "starting"}}`}, "server 5, not 12345", true},
		{"list: an item without an id", opList, step{status: 200, body: `{"count": 2, "next": null, "results": [{"id": 1, "name": "a"}, {"name": "b"}]}`}, "item 2", false},
		{"list: an item without a name", opList, step{status: 200, body: `{"count": 1, "next": null, "results": [{"id": 3}]}`}, "item 1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := &script{steps: []step{tt.answer}}
			c, sl := serve(t, sc)
			err := tt.op(context.Background(), c)
			var e *api.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want an *api.Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to say %q", err, tt.want)
			}
			if e.OutcomeUnknown != tt.unknown || api.IsOutcomeUnknown(err) != tt.unknown {
				t.Errorf("OutcomeUnknown = %v, want %v", e.OutcomeUnknown, tt.unknown)
			}
			if n := len(sc.requests()); n != 1 || len(sl.all()) != 0 {
				t.Errorf("%d requests and waits %v: an unusable answer must fail at once", n, sl.all())
			}
			if tt.unknown && !strings.Contains(err.Error(), "may have taken effect") {
				t.Errorf("err = %v does not say the request may have taken effect", err)
			}
		})
	}
}

// TestCreateWithoutIDSaysWhatToLookFor: the error tells the caller which
// name to look for before creating again.
func TestCreateWithoutIDSaysWhatToLookFor(t *testing.T) {
	c, _ := serve(t, &script{steps: []step{{status: 201, body: `{"name": "web-1"}`}}})
	err := opCreate(context.Background(), c)
	if err == nil || !strings.Contains(err.Error(), `look for a server named "web-1"`) {
		t.Errorf("err = %v, want it to name the server to look for", err)
	}
}

// TestUnusableAnswerCountsItsAttempts: an answer found wrong after a retry
// says how many times the request was sent.
func TestUnusableAnswerCountsItsAttempts(t *testing.T) {
	c, _ := serve(t, &script{steps: []step{{status: 503}, {status: 200, body: `{"id": 1, "name": "x"}`}}})
	err := opGet(context.Background(), c)
	var e *api.Error
	if !errors.As(err, &e) || e.Attempts != 2 || !strings.Contains(err.Error(), "(after 2 attempts)") {
		t.Errorf("err = %v, want the wrong answer after 2 attempts", err)
	}
}
