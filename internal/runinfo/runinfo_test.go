package runinfo

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRedactArgs(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"plain", []string{"/usr/local/bin/vpsfleet", "apply", "-auto-approve", "fleet"},
			"vpsfleet apply -auto-approve fleet"},
		{"token separate", []string{"vpsfleet", "apply", "-token", "s3cr3t-token", "x"},
			"vpsfleet apply -token [redacted] x"},
		{"token equals", []string{"vpsfleet", "apply", "--token=s3cr3t-token"},
			"vpsfleet apply --token=[redacted]"},
		{"token upper", []string{"vpsfleet", "apply", "-TOKEN", "s3cr3t-token"},
			"vpsfleet apply -TOKEN [redacted]"},
		{"var separate", []string{"vpsfleet", "plan", "-var", "db_password=hunter22"},
			"vpsfleet plan -var db_password=[redacted]"},
		{"var equals", []string{"vpsfleet", "plan", "-var=db_password=hunter22"},
			"vpsfleet plan -var=db_password=[redacted]"},
		{"lock url", []string{"vpsfleet", "apply", "-lock-url", "postgres://ci:pa55word@db.example.com:5432/locks?sslmode=require"},
			"vpsfleet apply -lock-url 'postgres://ci:[redacted]@db.example.com:5432/locks?sslmode=require'"},
		{"lock url equals", []string{"vpsfleet", "apply", "-lock-url=postgres://ci:pa55word@db/locks"},
			"vpsfleet apply -lock-url=postgres://ci:[redacted]@db/locks"},
		{"url without password kept", []string{"vpsfleet", "apply", "-lock-url", "postgres://ci@db/locks"},
			"vpsfleet apply -lock-url postgres://ci@db/locks"},
		{"password query", []string{"vpsfleet", "apply", "-lock-url", "postgres://db/locks?user=ci&password=pa55word"},
			"vpsfleet apply -lock-url 'postgres://db/locks?password=[redacted]&user=ci'"},
		{"keyword dsn", []string{"vpsfleet", "apply", "-lock-url", "host=db user=ci password=pa55word dbname=locks"},
			"vpsfleet apply -lock-url 'host=db user=ci password=[redacted] dbname=locks'"},
		{"quoted dsn password", []string{"vpsfleet", "apply", "-lock-url=host=db password='pa 55' dbname=x"},
			`vpsfleet apply '-lock-url=host=db password=[redacted] dbname=x'`},
		{"unparsable url", []string{"vpsfleet", "apply", "-lock-url", "postgres://ci:pa%zzword@db/locks"},
			"vpsfleet apply -lock-url postgres://[redacted]@db/locks"},
		{"url in positional", []string{"vpsfleet", "x", "https://u:pa55word@host/"},
			"vpsfleet x https://u:[redacted]@host/"},
		{"unknown flag keeps value", []string{"vpsfleet", "apply", "-target", "web-*"},
			"vpsfleet apply -target 'web-*'"},
		{"empty arg", []string{"vpsfleet", "plan", ""}, "vpsfleet plan ''"},
		{"dangling token flag", []string{"vpsfleet", "apply", "-token"}, "vpsfleet apply -token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RedactArgs(tt.args)
			if got != tt.want {
				t.Errorf("RedactArgs(%q)\n got %s\nwant %s", tt.args, got, tt.want)
			}
			for _, secret := range []string{"s3cr3t-token", "hunter22", "pa55word", "pa 55"} {
				if strings.Contains(got, secret) {
					t.Errorf("RedactArgs(%q) = %s: holds secret %q", tt.args, got, secret)
				}
			}
		})
	}
}

func TestRedactArgsBounded(t *testing.T) {
	args := []string{"vpsfleet", "apply"}
	for range 2000 {
		args = append(args, "-target", "wéb-*")
	}
	got := RedactArgs(args)
	if len(got) > MaxCommandLen {
		t.Errorf("len = %d, want at most %d", len(got), MaxCommandLen)
	}
	if !strings.HasSuffix(got, "...") {
		t.Errorf("a cut command line ends in ...: %q", got[len(got)-20:])
	}
	if !utf8.ValidString(got) {
		t.Errorf("cut in the middle of a rune: %q", got[len(got)-20:])
	}
}

func TestCIRun(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		id, url string
	}{
		{"none", nil, "", ""},
		{"github", map[string]string{"GITHUB_RUN_ID": "8123", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/infra"},
			"GITHUB_RUN_ID=8123", "https://github.com/acme/infra/actions/runs/8123"},
		{"github without repository", map[string]string{"GITHUB_RUN_ID": "8123"}, "GITHUB_RUN_ID=8123", ""},
		{"gitlab", map[string]string{"CI_PIPELINE_ID": "42", "CI_PIPELINE_URL": "https://gitlab.example.com/p/-/pipelines/42"},
			"CI_PIPELINE_ID=42", "https://gitlab.example.com/p/-/pipelines/42"},
		{"jenkins", map[string]string{"BUILD_ID": "17", "BUILD_URL": "https://ci.example.com/job/x/17/"},
			"BUILD_ID=17", "https://ci.example.com/job/x/17/"},
		{"specific wins over BUILD_ID", map[string]string{"BUILD_ID": "17", "BUILDKITE_BUILD_ID": "abc"},
			"BUILDKITE_BUILD_ID=abc", ""},
		{"azure", map[string]string{"BUILD_BUILDID": "99"}, "BUILD_BUILDID=99", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, url := CIRun(func(k string) string { return tt.env[k] })
			if id != tt.id || url != tt.url {
				t.Errorf("CIRun = %q, %q; want %q, %q", id, url, tt.id, tt.url)
			}
		})
	}
}

func TestDescribeAndString(t *testing.T) {
	env := map[string]string{"GITHUB_RUN_ID": "7"}
	p := Describe([]string{"vpsfleet", "apply", "-token", "tok-1234"}, func(k string) string { return env[k] }, 4242, "runner-3", "ci")
	want := Process{User: "ci", Host: "runner-3", PID: 4242, Command: "vpsfleet apply -token [redacted]", CIRunID: "GITHUB_RUN_ID=7"}
	if p != want {
		t.Errorf("Describe = %+v, want %+v", p, want)
	}
	if s := p.String(); s != "ci@runner-3 pid 4242" {
		t.Errorf("String = %q", s)
	}
	if s := (Process{}).String(); s != "unknown@unknown" {
		t.Errorf("empty String = %q", s)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); got != `{"user":"ci","host":"runner-3","pid":4242,"command":"vpsfleet apply -token [redacted]","ci_run_id":"GITHUB_RUN_ID=7"}` {
		t.Errorf("JSON = %s", got)
	}
}

func TestCurrent(t *testing.T) {
	p := Current([]string{"/x/vpsfleet", "plan"})
	if p.User == "" || p.Host == "" || p.PID == 0 || p.Command != "vpsfleet plan" {
		t.Errorf("Current = %+v: user, host and pid are filled, the command is the base name and args", p)
	}
}
