package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
)

// errConnectionReset is what an in-process request fails with when the
// handler aborts (panics with http.ErrAbortHandler): the same situation as
// a connection reset after the request was sent.
var errConnectionReset = errors.New("connection reset: the server closed the connection without answering")

// handlerTransport is an http.RoundTripper that serves each request
// in-process through a handler, with no network. It behaves like a network
// transport to the layers above: it reports the request as written (via the
// request's httptrace hooks) before the handler runs, honours the request's
// context, and turns a handler that aborts or panics into a connection
// reset.
type handlerTransport struct {
	handler http.Handler
}

// RoundTrip serves req through the handler and returns its answer.
func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("reading the request body: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	inner := req.Clone(ctx)
	inner.Body = io.NopCloser(bytes.NewReader(body))
	inner.ContentLength = int64(len(body))
	inner.Host = req.URL.Host
	inner.RequestURI = req.URL.RequestURI()
	inner.RemoteAddr = "127.0.0.1:0"
	inner.Proto, inner.ProtoMajor, inner.ProtoMinor = "HTTP/1.1", 1, 1

	if trace := httptrace.ContextClientTrace(ctx); trace != nil {
		if trace.WroteHeaders != nil {
			trace.WroteHeaders()
		}
		if trace.WroteRequest != nil {
			trace.WroteRequest(httptrace.WroteRequestInfo{})
		}
	}

	w := &responseBuffer{header: make(http.Header)}
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- errConnectionReset
			}
		}()
		t.handler.ServeHTTP(w, inner)
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			return nil, err
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return w.response(req), nil
}

// responseBuffer is the http.ResponseWriter a handler writes into.
type responseBuffer struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

// Header returns the answer's headers, changeable until WriteHeader.
func (w *responseBuffer) Header() http.Header { return w.header }

// WriteHeader records the status once; later calls are ignored, as by
// net/http.
func (w *responseBuffer) WriteHeader(status int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	w.status = status
	w.header = w.header.Clone()
}

// Write appends to the body, sending 200 first if no status was set.
func (w *responseBuffer) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.body.Write(p)
}

// Flush does nothing: the whole answer is delivered at once.
func (w *responseBuffer) Flush() {}

// response is the recorded answer as an *http.Response to req.
func (w *responseBuffer) response(req *http.Request) *http.Response {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	header := w.header
	if header.Get("Content-Type") == "" && w.body.Len() > 0 {
		header.Set("Content-Type", http.DetectContentType(w.body.Bytes()))
	}
	header.Set("Content-Length", strconv.Itoa(w.body.Len()))
	return &http.Response{
		Status:        statusLine(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        header,
		Body:          io.NopCloser(bytes.NewReader(w.body.Bytes())),
		ContentLength: int64(w.body.Len()),
		Request:       req,
	}
}
