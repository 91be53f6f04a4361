package api

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestDecodeErrorBody(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		want                    errorBody
	}{
		{"detail", "application/json", `{"detail": "Not found."}`, errorBody{Detail: "Not found."}},
		{"fields", "application/json", `{"name": ["This field is required."], "plan_id": ["A valid integer is required.", "Second."]}`,
			errorBody{Fields: map[string][]string{"name": {"This field is required."}, "plan_id": {"A valid integer is required.", "Second."}}}},
		{"field as string", "", `{"name": "Too long."}`, errorBody{Fields: map[string][]string{"name": {"Too long."}}}},
		{"non-string detail kept as field", "", `{"detail": {"x": 1}}`, errorBody{Fields: map[string][]string{"detail": {`{"x": 1}`}}}},
		{"non_field_errors", "", `{"non_field_errors": ["Server is suspended."]}`, errorBody{Fields: map[string][]string{"non_field_errors": {"Server is suspended."}}}},
		{"empty", "", "  ", errorBody{}},
		{"html title", "text/html", "<html><head><title>502 Bad Gateway</title></head><body>...</body></html>", errorBody{Detail: "non-JSON answer (text/html): 502 Bad Gateway"}},
		{"html no title", "text/html", "<h1>Oops</h1>\n<p>down</p>", errorBody{Detail: "non-JSON answer (text/html): Oops down"}},
		{"plain text", "", "upstream connect error", errorBody{Detail: "non-JSON answer: upstream connect error"}},
		{"JSON array", "application/json", `["a"]`, errorBody{Detail: `non-JSON answer (application/json): ["a"]`}},
		{"truncated JSON", "application/json", `{"detail": "x`, errorBody{Detail: `non-JSON answer (application/json): {"detail": "x`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decodeErrorBody(nil, tt.contentType, []byte(tt.body)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestShortenCutsLongBodies(t *testing.T) {
	long := make([]byte, 5000)
	for i := range long {
		long[i] = 'a'
	}
	got := describeBody(nil, "", long)
	if n := len([]rune(got)); n > maxDetailLen+len("non-JSON answer: ")+1 {
		t.Errorf("detail has %d runes", n)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		value  string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{" 12 ", 12 * time.Second, true},
		{"1.5", 1500 * time.Millisecond, true},
		{"-1", 0, false},
		{"99999999999", maxRetryAfter, true},
		{"1e300", maxRetryAfter, true},
		{"soon", 0, false},
		{"Fri, 02 Jan 2026 03:04:35 GMT", 30 * time.Second, true},
		{"Fri, 02 Jan 2026 03:00:00 GMT", 0, true},
		{"Sat, 03 Jan 2099 00:00:00 GMT", maxRetryAfter, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.value, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.value, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestJudge(t *testing.T) {
	notSent := &Error{Status: 0, sent: false}
	reset := &Error{Status: 0, sent: true}
	final := &Error{Status: 0, sent: true, final: true}
	tests := []struct {
		name      string
		kind      callKind
		e         *Error
		uncertain bool
		want      verdict
	}{
		{"GET 503", kindRead, &Error{Status: 503}, false, retry},
		{"GET reset", kindRead, reset, false, retry},
		{"GET 404", kindRead, &Error{Status: 404}, false, giveUp},
		{"GET 429", kindRead, &Error{Status: 429}, false, retry},
		{"GET cancelled", kindRead, final, false, giveUp},
		{"PATCH 500", kindWrite, &Error{Status: 500}, false, retry},
		{"PUT reset", kindWrite, reset, false, retry},
		{"PUT 400", kindWrite, &Error{Status: 400}, false, giveUp},
		{"DELETE 502", kindDelete, &Error{Status: 502}, false, retry},
		{"DELETE 404 first", kindDelete, &Error{Status: 404}, false, giveUp},
		{"DELETE 404 after uncertain", kindDelete, &Error{Status: 404}, true, succeeded},
		{"create 503", kindCreate, &Error{Status: 503}, false, giveUp},
		{"create reset", kindCreate, reset, false, giveUp},
		{"create not sent", kindCreate, notSent, false, retry},
		{"create 429", kindCreate, &Error{Status: 429}, false, retry},
		{"create 402", kindCreate, &Error{Status: 402}, false, giveUp},
		{"action 502", kindAction, &Error{Status: 502}, false, giveUp},
		{"action reset", kindAction, reset, false, giveUp},
		{"action not sent", kindAction, notSent, false, retry},
		{"action 429", kindAction, &Error{Status: 429}, false, retry},
		{"redirect", kindRead, &Error{Status: 301, final: true}, false, giveUp},
	}
	for _, tt := range tests {
		if got := judge(tt.kind, tt.e, tt.uncertain); got != tt.want {
			t.Errorf("%s: judge = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRetryBudgetTake(t *testing.T) {
	b := newRetryBudget(2)
	if !b.take() || !b.take() || b.take() {
		t.Error("a budget of 2 must allow exactly two retries")
	}
	if newRetryBudget(0).take() {
		t.Error("a budget of 0 allowed a retry")
	}
}

func TestRetryBudgetRefund(t *testing.T) {
	tests := []struct {
		name string
		size int
		ops  string // t: take, r: refund
		want []bool // result of each take, in order
	}{
		{"refund restores a spent retry", 1, "ttrt", []bool{true, false, true}},
		{"refund never grows past the size", 2, "rrrtttrt", []bool{true, true, false, true}},
		{"a zero budget stays zero", 0, "rt", []bool{false}},
		{"interleaved successes keep it going", 1, "trtrtrtrt", []bool{true, true, true, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newRetryBudget(tt.size)
			var got []bool
			for _, op := range tt.ops {
				if op == 'r' {
					b.refund()
					continue
				}
				got = append(got, b.take())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("takes = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDefaultBackoffBounds(t *testing.T) {
	for retry := -1; retry < 70; retry++ {
		limit := 20 * time.Second
		if retry >= 0 && retry < 6 {
			limit = min(500*time.Millisecond<<retry, limit)
		}
		for range 20 {
			if d := DefaultBackoff(retry); d < 0 || d > limit {
				t.Fatalf("DefaultBackoff(%d) = %v, outside [0, %v]", retry, d, limit)
			}
		}
	}
}

func TestSecretRedacts(t *testing.T) {
	s := secret("abcd1234")
	if got := s.redact("x abcd1234 y"); got != "x [redacted] y" {
		t.Errorf("redact = %q", got)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		if got := sprintf(verb, s); got != redacted {
			t.Errorf("%s of a secret = %q", verb, got)
		}
	}
}

func TestSleepContextReturnsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepContext(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleepContext = %v, want context.Canceled", err)
	}
	if err := sleepContext(context.Background(), 0); err != nil {
		t.Errorf("sleepContext(0) = %v", err)
	}
}
