package api_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vpsfleet/vpsfleet/api"
)

// Hostile servers: everything a server controls (bodies, headers, next
// links, field names) may carry the token it was sent, whole, cut, escaped
// or in another case. No error text and no printed form of an error may
// show the token or any 8-character piece of it.

// hostileTokens are the tokens the hostile servers are sent: one that can
// stand in a host name, and one with the characters that URLs and JSON
// escape. Both are 47 characters long, as in the report of the leak.
var hostileTokens = []string{
	"tok-HOSTILE-7f3a9c2b8e1d4f6a0c5b9e3d7a1f4c8b2e6",
	"Tk+Zq/8W=mN4pR7sV2xY9bC3dF6gH1jK5lA0eI+uO/tE==x",
}

// hostileCase is one way for a server to echo the token back.
type hostileCase struct {
	name string
	// answer writes the hostile answer; token is what the request's
	// Authorization header carried.
	answer func(w http.ResponseWriter, r *http.Request, token string)
	op     op
	want   string // what the error must say happened
}

// echo answers every request with status, the headers and the body, in
// which TOKEN and HOST stand for the token and the server's host.
func echo(status int, body string, header ...string) func(http.ResponseWriter, *http.Request, string) {
	return func(w http.ResponseWriter, r *http.Request, token string) {
		fill := strings.NewReplacer("TOKEN", token, "QTOKEN", url.QueryEscape(token), "HOST", r.Host, "UTOKEN", unicodeEscaped(token), "LTOKEN", strings.ToLower(token))
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], fill.Replace(header[i+1]))
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		fmt.Fprint(w, fill.Replace(body))
	}
}

// unicodeEscaped writes every character of s as a JSON \u escape.
func unicodeEscaped(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// bearer is the token of a request.
func bearer(r *http.Request) string {
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
}

func hostileCases() []hostileCase {
	list := func(next string) func(http.ResponseWriter, *http.Request, string) {
		return func(w http.ResponseWriter, r *http.Request, token string) {
			if r.URL.Query().Get("page") != "" {
				echo(200, `{"count": 2, "next": null, "results": [{"id": 2, "name": "b"}]}`)(w, r, token)
				return
			}
			echo(200, `{"count": 2, "next": "`+next+`", "results": [{"id": 1, "name": "a"}]}`)(w, r, token)
		}
	}
	cases := []hostileCase{
		{"redirect to the token in the query", echo(302, "", "Location", "https://elsewhere.example/login?t=TOKEN"), opGet, "unexpected redirect"},
		{"redirect to the token in the path", echo(301, "", "Location", "/TOKEN/"), opGet, "unexpected redirect"},
		{"redirect to the token as a password", echo(307, "", "Location", "https://u:TOKEN@elsewhere.example/"), opGet, "unexpected redirect"},
		{"redirect to the token query-escaped", echo(302, "", "Location", "https://elsewhere.example/?t=QTOKEN"), opGet, "unexpected redirect"},
		{"redirect to an unparsable URL with the token", echo(302, "", "Location", "http://[TOKEN"), opGet, "unexpected redirect"},
		{"redirect with the token lower-cased", echo(302, "", "Location", "https://elsewhere.example/LTOKEN"), opGet, "unexpected redirect"},
		{"next link: the token as host", list("http://TOKEN.evil.example/api/v1/servers/?page=2"), opList, "next-page link"},
		{"next link: the token as host on our port", list("http://TOKEN/api/v1/servers/?page=2"), opList, "next-page link"},
		{"next link: the token in the path", list("http://HOST/api/v1/servers/TOKEN/?page=2"), opList, "next-page link"},
		{"next link: the token in the query", list("http://HOST/api/v1/servers/?page=2&t=TOKEN"), opList, "next-page link"},
		{"next link: the token query-escaped", list("http://HOST/api/v1/servers/?page=2&t=QTOKEN"), opList, "next-page link"},
		{"next link: unparsable, with the token", list("http://[TOKEN/api/v1/servers/?page=2"), opList, "next-page link"},
		{"next link: the token as port", list("http://127.0.0.1:TOKEN/api/v1/servers/?page=2"), opList, "next-page link"},
		{"next link: the token on another host's query", list("http://evil.example/api/v1/servers/?t=TOKEN"), opList, "next-page link"},
		{"detail echoes the token", echo(400, `{"detail": "bad header Bearer TOKEN"}`), opCreate, "400 Bad Request: bad header Bearer [redacted]"},
		{"detail echoes the token lower-cased", echo(404, `{"detail": "no such token LTOKEN"}`), opGet, "404 Not Found: no such token [redacted]"},
		{"detail of 10 kB ending in the token", echo(400, `{"detail": "`+strings.Repeat("d", 10000)+` TOKEN"}`), opCreate, "400 Bad Request: ddd"},
		{"field name is the token", echo(400, `{"TOKEN": ["This field is required."]}`), opCreate, "[redacted]: This field is required."},
		{"field message is the token", echo(400, `{"name": ["TOKEN", "again TOKEN"]}`), opCreate, "name: [redacted] again [redacted]"},
		{"field message is an object holding the token unicode-escaped", echo(400, `{"name": {"x": "UTOKEN"}}`), opCreate, `name: {"x":"[redacted]"}`},
		{"detail is an object holding the token", echo(400, `{"detail": {"token": "TOKEN"}}`), opCreate, `detail: {"token": "[redacted]"}`},
		{"HTML title holds the token", echo(502, `<html><title>Bad gateway for TOKEN</title></html>`, "Content-Type", "text/html"), opCreate, "Bad gateway for [redacted]"},
		{"content type holds the token", echo(500, `oops`, "Content-Type", "text/TOKEN"), opCreate, "non-JSON answer (text/[redacted]): oops"},
		{"created_at holds the token", echo(200, `{"id": 12345, "name": "a", "created_at": "TOKEN"}`), opGet, "parsing time"},
		{"a 503 echoing the token after every retry", echo(503, `{"detail": "TOKEN"}`), opGet, "503 Service Unavailable: [redacted] (after 6 attempts)"},
		{"wrong id naming the token", echo(200, `{"id": 99, "name": "TOKEN", "status": "active"}`), opGet, "not 12345"},
		{"create answer without an id naming the token", echo(201, `{"name": "TOKEN"}`), opCreate, "no usable server id"},
		{"list item naming the token without an id", echo(200, `{"count": 1, "next": null, "results": [{"name": "TOKEN"}]}`), opList, "item 1"},
		{"a 429 echoing the token", echo(429, `{"detail": "slow down TOKEN"}`, "Retry-After", "0"), opGet, "429 Too Many Requests: slow down [redacted]"},
	}
	// An error body is cut to a short message: the token at every place
	// around the cut, so that a cut never leaves part of it.
	for k := 80; k <= 121; k++ {
		cases = append(cases, hostileCase{
			fmt.Sprintf("non-JSON body with the token at rune %d", k),
			echo(502, strings.Repeat("a", k)+"TOKEN and more", "Content-Type", "text/plain"), opCreate, "502 Bad Gateway: non-JSON answer (text/plain): aaa",
		})
	}
	// The API's own messages are cut too, at a larger length.
	for k := 450; k <= 501; k += 3 {
		cases = append(cases, hostileCase{
			fmt.Sprintf("JSON detail with the token at rune %d", k),
			echo(400, `{"detail": "`+strings.Repeat("é", k)+`TOKEN", "name": ["`+strings.Repeat("n", k)+`TOKEN"]}`), opCreate, "400 Bad Request: éé",
		})
	}
	return cases
}

func TestHostileServersNeverShowTheToken(t *testing.T) {
	for ti, token := range hostileTokens {
		if len(token) != 47 {
			t.Fatalf("hostile token %q is %d characters, want 47", token, len(token))
		}
		for i, tc := range hostileCases() {
			t.Run(fmt.Sprintf("token%d/%s", ti, tc.name), func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					tc.answer(w, r, bearer(r))
				}))
				t.Cleanup(srv.Close)
				sl := &sleeps{}
				c, err := api.New(srv.URL, token, api.WithSleep(sl.sleep), api.WithBackoff(stepBackoff))
				if err != nil {
					t.Fatal(err)
				}
				err = tc.op(context.Background(), c)
				if err == nil {
					t.Fatalf("case %d: no error", i)
				}
				assertNoToken(t, err, token)
				if !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error %q does not say %q", err, tc.want)
				}
			})
		}
	}
}

// TestMalformedResponseNeverShowsTheToken: a server that answers garbage
// holding the token makes the transport quote it; the error must not.
func TestMalformedResponseNeverShowsTheToken(t *testing.T) {
	for _, token := range hostileTokens {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				go func() {
					defer conn.Close()
					req, err := http.ReadRequest(bufio.NewReader(conn))
					if err != nil {
						return
					}
					fmt.Fprintf(conn, "HTTP/1.1 %s OK\r\nContent-Length: 0\r\n\r\n", bearer(req))
				}()
			}
		}()
		c, err := api.New("http://"+ln.Addr().String(), token, api.WithSleep((&sleeps{}).sleep), api.WithBackoff(stepBackoff))
		if err != nil {
			t.Fatal(err)
		}
		err = opGet(context.Background(), c)
		if err == nil {
			t.Fatal("no error for a malformed answer")
		}
		assertNoToken(t, err, token)
	}
}

// TestEndpointWithQueryRefusedUnquoted: an endpoint with a query string
// or fragment is not a base URL; the error says so without quoting the
// query, the fragment or userinfo, whichever other check fails first.
func TestEndpointWithQueryRefusedUnquoted(t *testing.T) {
	for _, token := range hostileTokens {
		for _, endpoint := range []string{
			"https://admin.vps.org/?t=" + token,
			"https://admin.vps.org/api?token=" + url.QueryEscape(token),
			"https://admin.vps.org/#" + token,
			"http://remote.example/?t=" + token,
			"ftp://admin.vps.org/?t=" + token,
			"https:///?t=" + token,
			"https://x%zz/?t=" + token,
			"https://u:" + url.QueryEscape(token) + "@admin.vps.org/",
		} {
			_, err := api.New(endpoint, token)
			if err == nil {
				t.Errorf("%s: accepted", endpoint)
				continue
			}
			assertNoToken(t, err, token)
			if strings.Contains(err.Error(), "t=") || strings.Contains(err.Error(), "token=") {
				t.Errorf("%s: the error quotes the query: %v", endpoint, err)
			}
		}
	}
	_, err := api.New("https://admin.vps.org/?page=2", "t0ken-long-enough")
	if err == nil || !strings.Contains(err.Error(), "query") || strings.Contains(err.Error(), "page=2") {
		t.Errorf("query endpoint: %v, want it refused without quoting the query", err)
	}
}

// assertNoToken fails if the token, or any 8-character piece of it in any
// case or URL-escaped, shows in err's text or in any printed form of err,
// of the errors it wraps, or of the *api.Error it holds.
func assertNoToken(t *testing.T, err error, token string) {
	t.Helper()
	var texts []string
	add := func(v any) {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			texts = append(texts, fmt.Sprintf(verb, v))
		}
	}
	for _, e := range errorChain(err) {
		texts = append(texts, e.Error())
		add(e)
		if ae, ok := e.(*api.Error); ok {
			add(*ae)
			texts = append(texts, ae.Detail, ae.Path, fmt.Sprint(ae.Fields))
		}
	}
	for _, text := range texts {
		if piece := tokenPiece(text, token); piece != "" {
			t.Errorf("the token shows (%q) in: %s", piece, text)
			return
		}
	}
}

// errorChain is err and every error it wraps, depth first.
func errorChain(err error) []error {
	if err == nil {
		return nil
	}
	out := []error{err}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		out = append(out, errorChain(u.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			out = append(out, errorChain(e)...)
		}
	}
	return out
}

// tokenPiece returns an 8-character piece of token (or of its escaped
// forms) found in text, ignoring case, or "".
func tokenPiece(text, token string) string {
	lower := strings.ToLower(text)
	for _, form := range []string{token, url.QueryEscape(token), url.PathEscape(token), unicodeEscaped(token)} {
		form = strings.ToLower(form)
		for i := 0; i+8 <= len(form); i++ {
			if strings.Contains(lower, form[i:i+8]) {
				return form[i : i+8]
			}
		}
	}
	return ""
}

func TestTokenPieceFindsPieces(t *testing.T) {
	token := hostileTokens[0]
	for _, text := range []string{token, "x " + token[10:18] + " y", strings.ToUpper(token[3:11]), "a" + token[39:]} {
		if tokenPiece(text, token) == "" {
			t.Errorf("tokenPiece(%q) found nothing", text)
		}
	}
	if p := tokenPiece("GET /api/v1/servers/: 400 Bad Request: [redacted]", token); p != "" {
		t.Errorf("tokenPiece found %q in a clean text", p)
	}
	if !errors.Is(errorChain(fmt.Errorf("a: %w", errors.Join(errors.New("b"), context.Canceled)))[3], context.Canceled) {
		t.Error("errorChain does not walk joined errors")
	}
}
