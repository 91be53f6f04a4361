package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
)

func TestNew(t *testing.T) {
	h := http.NotFoundHandler()
	tests := []struct {
		name     string
		endpoint string
		token    string
		opts     []api.Option
		want     string // Endpoint() on success
		wantErr  string // substring of the error; "" means success
	}{
		{"default endpoint", "", "t0ken", nil, api.DefaultEndpoint, ""},
		{"https trailing slash dropped", "https://api.example.com/", "t0ken", nil, "https://api.example.com", ""},
		{"https with path prefix", "https://api.example.com/vps/", "t0ken", nil, "https://api.example.com/vps", ""},
		{"http localhost", "http://localhost:8080", "t0ken", nil, "http://localhost:8080", ""},
		{"http 127.0.0.1", "http://127.0.0.1:8080", "t0ken", nil, "http://127.0.0.1:8080", ""},
		{"http 127.9.9.9", "http://127.9.9.9", "t0ken", nil, "http://127.9.9.9", ""},
		{"http ::1", "http://[::1]:9000", "t0ken", nil, "http://[::1]:9000", ""},
		{"http in-process", "http://sandbox", "t0ken", []api.Option{api.WithHandler(h)}, "http://sandbox", ""},
		{"http remote refused", "http://admin.vps.org", "t0ken", nil, "", "refusing plain http"},
		{"http 10.0.0.1 refused", "http://10.0.0.1", "t0ken", nil, "", "refusing plain http"},
		{"http localhost lookalike refused", "http://localhost.evil.example", "t0ken", nil, "", "refusing plain http"},
		{"ftp refused", "ftp://admin.vps.org", "t0ken", nil, "", "must start with https://"},
		{"no host", "https://", "t0ken", nil, "", "has no host"},
		{"credentials in URL", "https://u:p@admin.vps.org", "t0ken", nil, "", "credentials"},
		{"query refused", "https://admin.vps.org/?x=1", "t0ken", nil, "", "query"},
		{"empty token", "", "", nil, "", "no API token"},
		{"blank token", "", "  ", nil, "", "no API token"},
		{"token with newline", "", "abc\ndef", nil, "", "line break"},
		{"nil http client", "", "t0ken", []api.Option{api.WithHTTPClient(nil)}, "", "WithHTTPClient"},
		{"nil handler", "", "t0ken", []api.Option{api.WithHandler(nil)}, "", "WithHandler"},
		{"zero timeout", "", "t0ken", []api.Option{api.WithRequestTimeout(0)}, "", "WithRequestTimeout"},
		{"negative retries", "", "t0ken", []api.Option{api.WithMaxRetries(-1)}, "", "WithMaxRetries"},
		{"negative budget", "", "t0ken", []api.Option{api.WithRetryBudget(-1)}, "", "WithRetryBudget"},
		{"nil backoff", "", "t0ken", []api.Option{api.WithBackoff(nil)}, "", "WithBackoff"},
		{"nil sleep", "", "t0ken", []api.Option{api.WithSleep(nil)}, "", "WithSleep"},
		{"empty user agent", "", "t0ken", []api.Option{api.WithUserAgent("")}, "", "WithUserAgent"},
		{"zero body limit", "", "t0ken", []api.Option{api.WithMaxBodyBytes(0)}, "", "WithMaxBodyBytes"},
		{"valid options", "", "t0ken", []api.Option{api.WithRequestTimeout(time.Second), api.WithMaxRetries(0), api.WithRetryBudget(0), api.WithUserAgent("x/1"), api.WithMaxBodyBytes(1)}, api.DefaultEndpoint, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := api.New(tt.endpoint, tt.token, tt.opts...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New error = %v, want one containing %q", err, tt.wantErr)
				}
				if tt.token != "" && strings.Contains(err.Error(), tt.token) {
					t.Errorf("error %q contains the token", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got := c.Endpoint(); got != tt.want {
				t.Errorf("Endpoint() = %q, want %q", got, tt.want)
			}
		})
	}
}
