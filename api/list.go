package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// defaultMaxListed bounds how many servers one ListServers call receives,
// whatever count the API announces, so that a hostile or broken API cannot
// make the client's memory grow without bound.
const defaultMaxListed = 250_000

// maxPrealloc bounds the room ListServers makes for the servers a count
// announces before they arrive.
const maxPrealloc = 16384

// minListGrowth is the least a list may grow while it is read; see
// ListServers.
const minListGrowth = 1000

// listLimit is how many servers a list whose first page announced count
// may deliver: count, a quarter more (at least minListGrowth more) for
// servers created while it is read, and never more than most.
func listLimit(count, most int) int {
	count = max(count, 0)
	return min(count+max(count/4, minListGrowth), most)
}

// ListServers returns every server of the account that matches opts,
// following the list's next links through every page. A server that moves
// between pages while the list is read is returned once, as last seen. The
// result is never nil.
//
// A list that does not end is an error, before it costs more than about
// what its count announced: a next link seen before, an empty page that
// links to another, or more servers sent than the first page's count plus
// a quarter (at least 1000 more, for servers created while the list is
// read), and never more than 250,000 in all. A next link to another host
// than the endpoint is refused (the token would go there), as is one that
// holds the token; a list item without a positive id or a name is an
// error.
//
// With opts.Stable, a listing whose pages announced different counts,
// whose servers are not as many as announced, or whose next page is gone
// (404) was read while the account changed, and is read again, up to StableListTries times with the
// client's backoff between; if none is stable the error wraps
// ErrListUnstable.
//
// opts.Visit is shown each page as it arrives, before the next is asked
// for; opts.From begins the listing at a page an earlier one showed, and
// reads on to the last (a next link's checks apply to it).
func (c *Client) ListServers(ctx context.Context, opts ListOptions) ([]Server, error) {
	if !opts.Stable || opts.From != "" {
		all, _, err := c.listOnce(ctx, opts)
		return all, err
	}
	for try := 1; ; try++ {
		all, stable, err := c.listOnce(ctx, opts)
		if err != nil || stable {
			return all, err
		}
		if try == StableListTries {
			return nil, fmt.Errorf("GET %s: %w (%d listings)", serversPath, ErrListUnstable, try)
		}
		if err := c.sleep(ctx, max(c.backoff(try-1), 0)); err != nil {
			return nil, fmt.Errorf("GET %s: stopped while waiting to list again: %w", serversPath, err)
		}
	}
}

// StableListTries bounds how often ListServers reads a list again for
// ListOptions.Stable.
const StableListTries = 8

// ErrListUnstable is wrapped by the error of a ListOptions.Stable listing
// that never held still: the account kept changing while it was read.
var ErrListUnstable = errors.New("the account kept changing while it was listed, so no listing can be trusted to hold every server; try again once it has settled")

// listOnce reads the list once; stable reports that every page announced
// the first page's count and that as many servers arrived.
func (c *Client) listOnce(ctx context.Context, opts ListOptions) (all []Server, stable bool, err error) {
	u := c.url(serversPath)
	q := url.Values{}
	if opts.Status != "" {
		q.Set("status", string(opts.Status))
	}
	if opts.Location != "" {
		q.Set("location", opts.Location)
	}
	u.RawQuery = q.Encode()
	if opts.From != "" {
		if u, err = c.nextPage(u, opts.From); err != nil {
			return nil, false, err
		}
	}

	all = []Server{}
	stable = true
	var index map[int64]int
	seen := map[string]bool{u.String(): true}
	announced, limit, received := 0, 0, 0
	for pages := 1; ; pages++ {
		var page listPage
		if err := c.do(ctx, kindRead, http.MethodGet, u, nil, &page, func() string { return checkListed(&page) }); err != nil {
			if pages > 1 && opts.Stable && IsNotFound(err) {
				// The list shrank under the reader: the page it linked
				// to is gone. Read it again.
				return nil, false, nil
			}
			return nil, false, err
		}
		where := "GET " + c.redactor.redact(u.RequestURI())
		if pages == 1 {
			announced = max(page.Count, 0)
			limit = listLimit(announced, c.maxListed)
			// Room for what was announced, within reason: the count is
			// the server's word.
			all = make([]Server, 0, min(announced, limit, maxPrealloc))
			index = make(map[int64]int, min(announced, limit, maxPrealloc))
		} else if page.Count != announced {
			stable = false
		}
		received += len(page.Results)
		if received > limit {
			if limit == c.maxListed {
				return nil, false, fmt.Errorf("%s: the server list does not end: %d servers were sent over %d pages, and the client lists at most %d in one call; report this to VPS.org", where, received, pages, limit)
			}
			return nil, false, fmt.Errorf("%s: the server list does not end: the first page announced %d servers, and %d were sent over %d pages, more than the %d accepted while servers are created (a quarter more, at least %d); report this to VPS.org", where, announced, received, pages, limit, minListGrowth)
		}
		for _, s := range page.Results {
			if i, ok := index[s.ID]; ok {
				all[i] = s
				continue
			}
			index[s.ID] = len(all)
			all = append(all, s)
		}
		last := page.Next == nil || *page.Next == ""
		if opts.Visit != nil {
			if err := opts.Visit(ctx, Page{Number: pages, Link: u.RequestURI(), Count: page.Count, Servers: page.Results, More: !last}); err != nil {
				return nil, false, err
			}
		}
		if last {
			return all, stable && len(all) == announced, nil
		}
		if len(page.Results) == 0 {
			return nil, false, fmt.Errorf("%s: the server list does not end: an empty page (page %d) links to another; report this to VPS.org", where, pages)
		}
		next, err := c.nextPage(u, *page.Next)
		if err != nil {
			return nil, false, err
		}
		if seen[next.String()] {
			return nil, false, fmt.Errorf("%s: the server list does not end: page %d links back to %s; report this to VPS.org", where, pages, c.redactor.redact(next.RequestURI()))
		}
		seen[next.String()] = true
		u = next
	}
}

// maxLinkLen bounds a next-page link: a longer one is refused rather than
// followed and quoted.
const maxLinkLen = 4096

// nextPage checks a list's next link and returns it on the endpoint's
// scheme and host (only its path and query are taken). A link that holds
// the token (in any part, escaped or not) is refused unquoted: following
// it would put the token in every later error's path.
func (c *Client) nextPage(current *url.URL, link string) (*url.URL, error) {
	where := "GET " + c.redactor.redact(current.RequestURI())
	if len(link) > maxLinkLen {
		return nil, fmt.Errorf("%s: the API's next-page link is %d bytes long, more than the %d accepted; refusing to follow it (report this to VPS.org)", where, len(link), maxLinkLen)
	}
	if c.redactor.contains(link) {
		return nil, fmt.Errorf("%s: the API's next-page link holds the API token; refusing to follow it (the link is not shown; report this to VPS.org)", where)
	}
	parsed, err := current.Parse(link)
	if err != nil {
		// url's error quotes the link; say only what was wrong with it.
		why := "it cannot be parsed"
		var ue *url.Error
		if errors.As(err, &ue) {
			why = c.redactor.shorten(ue.Err.Error())
		}
		return nil, fmt.Errorf("%s: the API's next-page link is not a URL (%s); report this to VPS.org", where, why)
	}
	query, _ := url.QueryUnescape(parsed.RawQuery)
	if c.redactor.contains(parsed.Host) || c.redactor.contains(parsed.Path) || c.redactor.contains(query) || c.redactor.contains(parsed.Fragment) {
		return nil, fmt.Errorf("%s: the API's next-page link holds the API token; refusing to follow it (the link is not shown; report this to VPS.org)", where)
	}
	if !sameHost(parsed, c.endpoint) {
		return nil, fmt.Errorf("%s: the API's next-page link points to host %q, not the endpoint's %q; refusing to send the token there (check the endpoint URL)", where, c.redactor.shorten(parsed.Host), c.endpoint.Host)
	}
	next := *c.endpoint
	next.Path, next.RawPath, next.RawQuery = parsed.Path, parsed.RawPath, parsed.RawQuery
	return &next, nil
}
