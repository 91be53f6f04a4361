package sandbox

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// crashTrials is how many times TestCrashAfterAnswer kills a serving
// process; raise it by hand (-sandbox.crash-trials=200) for a long run.
var crashTrials = flag.Int("sandbox.crash-trials", 8, "trials of TestCrashAfterAnswer")

// TestCrashAfterAnswer serves the sandbox over real HTTP from a child
// process on a state file (compacting its journal every 8 KiB of
// changes), sends it creates, patches and deletes from several
// connections at once, and SIGKILLs it right after a 201. The
// state file, reopened, must hold every change that was answered: each
// acknowledged server with its id and name (and hostname, when a patch of
// it was answered), none whose delete was answered, and a new create must
// get an id above every id ever answered.
func TestCrashAfterAnswer(t *testing.T) {
	if path := os.Getenv("SANDBOX_CRASH_SERVE"); path != "" {
		crashServe(path)
		return
	}
	trials := *crashTrials
	if testing.Short() {
		trials = 2
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	var total crashTally
	for trial := range trials {
		total.add(crashTrial(t, path, trial))
	}
	t.Logf("%d trials on one state file: %d creates, %d patches, %d deletes answered before the kills; afterwards %d of them lost or wrong, %d trials reissued an answered id",
		trials, total.creates, total.patches, total.deletes, total.lost, total.reused)
}

// crashTally counts the changes a trial saw answered, and those the
// reopened state file did not hold.
type crashTally struct{ creates, patches, deletes, lost, reused int }

func (c *crashTally) add(o crashTally) {
	c.creates += o.creates
	c.patches += o.patches
	c.deletes += o.deletes
	c.lost += o.lost
	c.reused += o.reused
}

// ackedServer is what the parent was told about one server.
type ackedServer struct {
	name       string
	hostname   string // "" unless a patch of it was answered
	patchSent  string // the hostname of a patch sent, answered or not
	deleted    bool   // a delete of it was answered
	deleteSent bool   // a delete of it was sent, answered or not
}

// crashTrial runs one child, kills it after a random number of answered
// creates, and checks the state file it leaves.
func crashTrial(t *testing.T, path string, trial int) crashTally {
	t.Helper()
	cmd, base := startServing(t, path)

	var (
		mu       sync.Mutex
		acked    = map[int64]*ackedServer{}
		maxID    int64
		tally    crashTally
		answered atomic.Int64
		killOnce sync.Once
	)
	killAfter := int64(20 + rand.IntN(150))
	kill := func() { killOnce.Do(func() { cmd.Process.Kill() }) }
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}, Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Go(func() {
			for i := 0; ; i++ {
				name := fmt.Sprintf("t%d-w%d-%d", trial, w, i)
				status, body, err := crashRequest(client, "POST", base+"/api/v1/servers/",
					`{"name":"`+name+`","plan_id":1,"os_id":5,"location":"us-west"}`)
				if err != nil {
					return // killed
				}
				if status != http.StatusCreated {
					t.Errorf("create %s: %d %s", name, status, body)
					kill()
					return
				}
				var created struct{ ID int64 }
				if err := json.Unmarshal(body, &created); err != nil {
					t.Errorf("create %s: %v", name, err)
					kill()
					return
				}
				mu.Lock()
				acked[created.ID] = &ackedServer{name: name}
				maxID = max(maxID, created.ID)
				tally.creates++
				mu.Unlock()
				if answered.Add(1) == killAfter {
					kill() // right after a 201
					return
				}
				id := strconv.FormatInt(created.ID, 10)
				switch i % 4 {
				case 1:
					host := name + ".example.com"
					mu.Lock()
					acked[created.ID].patchSent = host
					mu.Unlock()
					status, body, err := crashRequest(client, "PATCH", base+"/api/v1/servers/"+id+"/", `{"hostname":"`+host+`"}`)
					if err != nil {
						return
					}
					if status != http.StatusOK {
						t.Errorf("patch %s: %d %s", id, status, body)
					}
					mu.Lock()
					acked[created.ID].hostname = host
					tally.patches++
					mu.Unlock()
				case 3:
					mu.Lock()
					acked[created.ID].deleteSent = true
					mu.Unlock()
					status, body, err := crashRequest(client, "DELETE", base+"/api/v1/servers/"+id+"/", "")
					if err != nil {
						return
					}
					if status != http.StatusNoContent {
						t.Errorf("delete %s: %d %s", id, status, body)
					}
					mu.Lock()
					acked[created.ID].deleted = true
					tally.deletes++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	kill()
	cmd.Wait()

	a, err := New(Options{StatePath: path, Token: testToken, Seed: 1})
	if err != nil {
		t.Fatalf("trial %d: reopening the state file of the killed process: %v", trial, err)
	}
	defer a.Close()
	a.mu.Lock()
	var lost, wrong []string
	for id, want := range acked {
		got := a.byID[id]
		switch {
		case want.deleted && got != nil && got.Name == want.name:
			wrong = append(wrong, fmt.Sprintf("%d %s is back after its delete was answered", id, want.name))
		case want.deleted:
		case got == nil && want.deleteSent: // the delete was sent and may have happened
		case got == nil:
			lost = append(lost, fmt.Sprintf("%d %s", id, want.name))
		case got.Name != want.name:
			wrong = append(wrong, fmt.Sprintf("%d is %s, but its create answered %s", id, got.Name, want.name))
		case want.hostname != "" && got.Hostname != want.hostname,
			want.hostname == "" && got.Hostname != "" && got.Hostname != want.patchSent:
			wrong = append(wrong, fmt.Sprintf("%d %s has hostname %q, but a patch to %q was answered", id, want.name, got.Hostname, want.hostname))
		}
	}
	a.mu.Unlock()
	tally.lost = len(lost) + len(wrong)
	if len(lost) > 0 || len(wrong) > 0 {
		t.Errorf("trial %d (killed after %d answered creates): %d acknowledged servers lost %v; %d wrong %v",
			trial, killAfter, len(lost), firstFew(lost), len(wrong), firstFew(wrong))
	}
	ids, err := a.Import([]ServerSpec{{Name: "after", PlanID: 1, OSID: 5, Location: "us-west"}})
	if err != nil {
		t.Fatalf("trial %d: create after the crash: %v", trial, err)
	}
	if ids[0] <= maxID {
		tally.reused++
		t.Errorf("trial %d: the first id after the crash is %d, but %d was already answered", trial, ids[0], maxID)
	}
	return tally
}

// startServing starts a child process serving the sandbox on path over
// HTTP (see crashServe) and returns it with its base URL.
func startServing(t *testing.T, path string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashAfterAnswer$")
	cmd.Env = append(os.Environ(), "SANDBOX_CRASH_SERVE="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !ok {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the serving process did not start: %q, %v", line, err)
	}
	return cmd, "http://" + addr
}

// crashRequest sends one request; err is a transport error (the process
// was killed).
func crashRequest(client *http.Client, method, url, body string) (int, []byte, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, err
	}
	return res.StatusCode, data, nil
}

// crashServe is the process TestCrashAfterAnswer kills: it serves the
// account on path over HTTP until it is killed.
func crashServe(path string) {
	// Compact every few changes, so kills also land in compactions.
	a, err := New(Options{StatePath: path, Token: testToken, Empty: true, Credits: 1 << 40, compactAfter: 8 << 10})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("listening", ln.Addr())
	http.Serve(ln, a)
	os.Exit(1)
}

func firstFew(s []string) []string {
	return s[:min(len(s), 5)]
}
