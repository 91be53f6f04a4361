package api

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

// FuzzDecodeServer checks that any body decodes into a Server or fails
// cleanly, and that a decoded Server survives a round trip.
func FuzzDecodeServer(f *testing.F) {
	f.Add([]byte(`{"id": 12345, "name": "web-server-01", "status": "active", "ip_address": null, "plan": {"id": 1, "bandwidth": 2048}, "created_at": "2025-01-10T14:30:00Z"}`))
	f.Add([]byte(`{"id": "x"}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, body []byte) {
		var s Server
		if err := decodeJSON(body, &s); err != nil {
			if strings.ContainsAny(err.Error(), "\n") {
				t.Errorf("multi-line error %q", err)
			}
			return
		}
		again, err := json.Marshal(s)
		if err != nil {
			return // e.g. a time outside what JSON can hold
		}
		var s2 Server
		if err := decodeJSON(again, &s2); err != nil {
			t.Fatalf("re-decoding %s: %v", again, err)
		}
		if !reflect.DeepEqual(normalise(s), normalise(s2)) {
			t.Errorf("round trip changed the server:\n%#v\n%#v", s, s2)
		}
	})
}

// normalise drops what a JSON round trip may legitimately change
// (monotonic clock readings, time zone pointers).
func normalise(s Server) Server {
	s.CreatedAt = s.CreatedAt.UTC()
	s.UpdatedAt = s.UpdatedAt.UTC()
	return s
}

// FuzzDecodeListPage checks that any body decodes into a page or fails
// cleanly.
func FuzzDecodeListPage(f *testing.F) {
	f.Add([]byte(`{"count": 1, "next": "https://admin.vps.org/api/v1/servers/?page=2", "previous": null, "results": [{"id": 1, "name": "a"}]}`))
	f.Add([]byte(`{"count": 0, "next": null, "results": null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var p listPage
		if err := decodeJSON(body, &p); err != nil {
			return
		}
		if _, err := json.Marshal(p); err != nil && utf8.Valid(body) {
			t.Logf("re-encoding: %v", err)
		}
	})
}

// FuzzDecodeErrorBody checks that any error body gives a short one-line
// message with no panic.
func FuzzDecodeErrorBody(f *testing.F) {
	f.Add("application/json", []byte(`{"detail": "Not found."}`))
	f.Add("application/json", []byte(`{"name": ["This field is required."], "hostname": "bad"}`))
	f.Add("text/html", []byte("<html><title>502 Bad Gateway</title></html>"))
	f.Add("", []byte("\xff\xfe<title>"))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		got := decodeErrorBody(nil, contentType, body)
		e := &Error{Status: 400, Method: "POST", Path: "/api/v1/servers/", Detail: got.Detail, Fields: got.Fields}
		msg := e.Error()
		if strings.ContainsAny(msg, "\r\n") {
			t.Errorf("multi-line error %q", msg)
		}
		if len(body) > 0 && body[0] != '{' && utf8.RuneCountInString(got.Detail) > maxDetailLen+len("non-JSON answer (): ")+2*maxDetailLen {
			t.Errorf("detail of a non-JSON body is %d runes long", utf8.RuneCountInString(got.Detail))
		}
	})
}
