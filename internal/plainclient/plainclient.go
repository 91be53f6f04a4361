// Package plainclient is the simplest client of the VPS.org API that
// net/http allows: the baseline the benchmarks hold api.Client's no-op
// plan against. It keeps a connection per request in flight, sends a
// bearer header, decodes with encoding/json, and checks and retries
// nothing. It is for benchmarks only.
package plainclient

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/vpsfleet/vpsfleet/api"
)

// Client reads an account at base with token, parallelism requests in
// flight.
type Client struct {
	hc          *http.Client
	base, token string
	parallelism int
}

// New returns the client of the account at base (scheme and host).
func New(base, token string, parallelism int) *Client {
	return &Client{
		hc:   &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: parallelism}},
		base: base, token: token, parallelism: parallelism,
	}
}

// get decodes the JSON answer to GET url into v.
func (c *Client) get(url string, v any) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// NoOpPlan makes the requests of a no-op plan: it lists every page, then
// reads every server, and returns how many servers it read.
func (c *Client) NoOpPlan() (int, error) {
	var ids []int64
	for url := c.base + "/api/v1/servers/"; url != ""; {
		var page struct {
			Next    *string      `json:"next"`
			Results []api.Server `json:"results"`
		}
		if err := c.get(url, &page); err != nil {
			return 0, err
		}
		for _, s := range page.Results {
			ids = append(ids, s.ID)
		}
		url = ""
		if page.Next != nil {
			url = *page.Next
		}
	}
	err := Each(ids, c.parallelism, func(id int64) error {
		var s api.Server
		return c.get(fmt.Sprintf("%s/api/v1/servers/%d/", c.base, id), &s)
	})
	return len(ids), err
}

// Each calls read for every id, parallelism at a time, and returns the
// first error; after one, each worker stops at its next id.
func Each(ids []int64, parallelism int, read func(id int64) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range parallelism {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(ids) {
					return
				}
				if err := read(ids[i]); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}
