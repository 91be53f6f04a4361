package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// serveList answers GET /api/v1/servers/ with one page of the servers in
// id order, filtered by ?status= and ?location=. A filtered page is read
// from the index (see serverIndex), so it costs what an unfiltered one
// does.
func (a *Account) serveList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status, location := q.Get("status"), q.Get("location")
	if status != "" && !validStatuses[status] {
		var e fieldErrors
		e.add("status", fmt.Sprintf("Select a valid choice. %s is not one of the available choices.", status))
		writeJSON(w, http.StatusBadRequest, &e)
		return
	}
	pageSize := a.opts.PageSize

	if !a.lockOpen(w) {
		return
	}
	now := a.opts.Now()
	var filtered *idList
	count := len(a.servers)
	if status != "" || location != "" {
		a.index.settle(now, a.servers)
		filtered = a.index.list(indexKey{location, status})
		count = filtered.len()
	}
	page, ok := pageNumber(q.Get("page"), count, pageSize)
	if !ok {
		a.answerLocked(w, http.StatusNotFound, "Invalid page.")
		return
	}
	lo := min((page-1)*pageSize, count)
	hi := min(lo+pageSize, count)
	var recs []*record
	if filtered == nil {
		recs = a.servers[lo:hi]
	} else {
		recs = filtered.appendRange(make([]*record, 0, hi-lo), lo, hi)
	}
	results := make([]wireListItem, 0, hi-lo)
	for _, s := range recs {
		results = append(results, s.listItem(now))
	}
	if !a.unlockDurable(w) {
		return
	}

	list := wireList{Count: count, Results: results}
	base := absoluteURL(r)
	if hi < count {
		next := withPage(base, page+1)
		list.Next = &next
	}
	if page > 1 {
		prev := withPage(base, page-1)
		list.Previous = &prev
	}
	writeJSON(w, http.StatusOK, list)
}

// pageNumber parses ?page= as the framework does: empty is 1, "last" is
// the last page, anything else must be a page that exists (page 1 always
// does, even when empty).
func pageNumber(raw string, count, pageSize int) (int, bool) {
	pages := max(1, (count+pageSize-1)/pageSize)
	if raw == "" {
		return 1, true
	}
	if raw == "last" {
		return pages, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > pages {
		return 0, false
	}
	return n, true
}

// absoluteURL rebuilds the request's URL with the scheme and host the
// client used (X-Forwarded-Proto, then TLS, decide the scheme).
func absoluteURL(r *http.Request) *url.URL {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")[0])); p == "http" || p == "https" {
		scheme = p
	}
	host := r.Host
	if host == "" {
		host = "localhost"
	}
	return &url.URL{Scheme: scheme, Host: host, Path: r.URL.Path, RawQuery: r.URL.RawQuery}
}

// withPage returns base with its page parameter set to page, removed for
// page 1, the other parameters kept (sorted by key).
func withPage(base *url.URL, page int) string {
	q := base.Query()
	if page == 1 {
		q.Del("page")
	} else {
		q.Set("page", strconv.Itoa(page))
	}
	u := *base
	u.RawQuery = q.Encode()
	return u.String()
}
