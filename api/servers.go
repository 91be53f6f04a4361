package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// serversPath is the collection every endpoint lives under.
const serversPath = "/api/v1/servers/"

// GetServer returns the server with the given id, with the detail-only
// fields (IPv6Address, BackupsEnabled, ResourceUsage, Plan.Bandwidth).
// A missing server is an error for which IsNotFound is true.
func (c *Client) GetServer(ctx context.Context, id int64) (*Server, error) {
	return callServer(ctx, c, kindRead, http.MethodGet, id, "", nil, sameServer(id))
}

// CreateServer creates a server and returns it (status provisioning). The
// request is never sent twice: if it was sent and its answer was lost or
// was a server error, the error has OutcomeUnknown set and the server may
// exist; look it up by name before creating again. The same holds for a
// success answer that cannot be used: one that does not decode, or names
// no positive id or no name. A 402
// (IsPaymentRequired) means the credits do not cover it; a 400
// (IsBadRequest) carries the invalid fields in Error.Fields.
func (c *Client) CreateServer(ctx context.Context, req CreateRequest) (*Server, error) {
	var s Server
	check := func() string { return c.checkCreated(req, &s) }
	if err := c.do(ctx, kindCreate, http.MethodPost, c.url(serversPath), req, &s, check); err != nil {
		return nil, err
	}
	return &s, nil
}

// ReplaceServer sets all of a server's changeable fields (PUT) and returns
// the server. It is retried like any idempotent request. An answer about
// another server than id is an error with OutcomeUnknown set.
func (c *Client) ReplaceServer(ctx context.Context, id int64, req ReplaceRequest) (*Server, error) {
	return callServer(ctx, c, kindWrite, http.MethodPut, id, "", req, sameServer(id))
}

// UpdateServer changes the non-nil fields of req (PATCH) and returns the
// server. It is retried like any idempotent request. An answer about
// another server than id is an error with OutcomeUnknown set.
func (c *Client) UpdateServer(ctx context.Context, id int64, req UpdateRequest) (*Server, error) {
	return callServer(ctx, c, kindWrite, http.MethodPatch, id, "", req, sameServer(id))
}

// DeleteServer deletes a server. A 404 is an error (IsNotFound), except
// after an earlier attempt of this same call whose outcome was unknown:
// that attempt deleted it, and DeleteServer returns nil.
func (c *Client) DeleteServer(ctx context.Context, id int64) error {
	u, err := c.serverURL(http.MethodDelete, id, "")
	if err != nil {
		return err
	}
	return c.do(ctx, kindDelete, http.MethodDelete, u, nil, nil, nil)
}

// StartServer asks a stopped server to start. A 400 (IsBadRequest) means
// its status does not allow it (already running, suspended). Like a create,
// it is never re-sent once sent: a lost answer or server error has
// OutcomeUnknown set, as has an answer about another server; read the
// server's status to learn what happened.
func (c *Client) StartServer(ctx context.Context, id int64) (*ActionResult, error) {
	return c.action(ctx, id, "start")
}

// StopServer asks a running server to stop; see StartServer for errors.
func (c *Client) StopServer(ctx context.Context, id int64) (*ActionResult, error) {
	return c.action(ctx, id, "stop")
}

// RebootServer asks a running server to reboot; see StartServer for errors.
func (c *Client) RebootServer(ctx context.Context, id int64) (*ActionResult, error) {
	return c.action(ctx, id, "reboot")
}

// action posts to /api/v1/servers/{id}/{name}/, where name is start,
// stop or reboot.
func (c *Client) action(ctx context.Context, id int64, name string) (*ActionResult, error) {
	return callServer(ctx, c, kindAction, http.MethodPost, id, name+"/", nil, func(r *ActionResult) string { return checkAction(id, r) })
}

// sameServer is checkSameServer as a check for callServer.
func sameServer(id int64) func(*Server) string {
	return func(s *Server) string { return checkSameServer(id, s) }
}

// callServer sends method with in (nil: no body) to
// /api/v1/servers/{id}/ plus suffix, as do does, and returns the answer
// decoded into a new T, once check (see answers.go) finds nothing wrong
// with it.
func callServer[T any](ctx context.Context, c *Client, kind callKind, method string, id int64, suffix string, in any, check func(*T) string) (*T, error) {
	u, err := c.serverURL(method, id, suffix)
	if err != nil {
		return nil, err
	}
	var out T
	if err := c.do(ctx, kind, method, u, in, &out, func() string { return check(&out) }); err != nil {
		return nil, err
	}
	return &out, nil
}

// url is the endpoint with path appended.
func (c *Client) url(path string) *url.URL {
	u := *c.endpoint
	u.Path = c.endpoint.Path + path
	return &u
}

// serverURL is /api/v1/servers/{id}/ plus suffix; a non-positive id is
// refused before anything is sent.
func (c *Client) serverURL(method string, id int64, suffix string) (*url.URL, error) {
	path := serversPath + strconv.FormatInt(id, 10) + "/" + suffix
	if id <= 0 {
		return nil, &Error{Method: method, Path: path, Detail: fmt.Sprintf("server id must be a positive number, got %d", id), final: true}
	}
	return c.url(path), nil
}

// do runs one API call through the transport chain: it encodes in (nil:
// no body), sends with retries, decodes a success body into out (nil: the
// body is ignored) and asks check (nil: none) what is wrong with it. A
// success answer that cannot be decoded or that check finds wrong is an
// *Error, never retried; for a request that changes the account it has
// OutcomeUnknown set, since the change may have been made.
func (c *Client) do(ctx context.Context, kind callKind, method string, u *url.URL, in, out any, check func() string) error {
	cl := &call{method: method, url: u, kind: kind}
	if in != nil {
		body, err := json.Marshal(in)
		if err != nil {
			return &Error{Method: method, Path: cl.path(), Detail: "could not encode the request: " + err.Error(), Err: err}
		}
		cl.body = body
	}
	rep, err := c.retry.do(ctx, cl, c.attempt)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := decodeJSON(rep.body, out); err != nil {
		// A decoding error may quote the answer (a time that does not
		// parse): scrub it.
		return c.redactor.scrub(&Error{
			Status: rep.status, Method: method, Path: cl.path(),
			Detail: c.redactor.message(err.Error()), Err: err, OutcomeUnknown: kind.mutates(), Attempts: rep.attempts,
		})
	}
	if check == nil {
		return nil
	}
	if problem := check(); problem != "" {
		return c.redactor.scrub(&Error{
			Status: rep.status, Method: method, Path: cl.path(),
			Detail: problem, OutcomeUnknown: kind.mutates(), Attempts: rep.attempts, final: true,
		})
	}
	return nil
}

// attempt is one try: the sender's reply, judged by its status.
func (c *Client) attempt(ctx context.Context, cl *call) (*reply, *Error) {
	rep, e := c.send.send(ctx, cl)
	if e != nil {
		return nil, e
	}
	if !success(rep.status) {
		return nil, c.redactor.scrub(answerError(cl, rep, c.redactor, c.now()))
	}
	return rep, nil
}
