package apply

import (
	"fmt"
	"slices"
	"sort"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
)

// Duplicate is a name that two or more live servers carry once Run has
// ended: the account no longer matches any plan, and planning refuses to
// guess which server is meant.
type Duplicate struct {
	Name string
	// IDs are the servers carrying the name, ascending.
	IDs []int64
}

// String says which servers share the name.
func (d Duplicate) String() string {
	return fmt.Sprintf("%s is carried by %d live servers (ids %s)", d.Name, len(d.IDs), joinInt64s(d.IDs))
}

// checkDuplicates lists the account once every chain has ended and records
// in res every managed name (Options.Managed, and every change's name)
// that more than one live server carries, from a Stable listing. A
// listing that fails is recorded as res.CheckErr. It sends its requests
// even after the Interrupt, never after the run is abandoned. When the
// poller's last list was Stable and began after every request of a chain
// had been answered, with none sent since, that list is the account as it
// is now, and it is used instead of listing again.
func (r *run) checkDuplicates(changes []engine.Change, res *Result) {
	names := make(map[string]bool, len(changes))
	for _, c := range changes {
		names[c.Name] = true
	}
	servers, ok := r.poller.LastQuiet()
	if !ok {
		var err error
		servers, err = r.list(api.ListOptions{Stable: true}, true)
		if err != nil {
			res.CheckErr = fmt.Errorf("checking the account for servers that share a name: %w", err)
			return
		}
	}
	byName := map[string][]int64{}
	for _, s := range servers {
		if names[s.Name] || (r.opts.Managed != nil && r.opts.Managed(s.Name)) {
			if !slices.Contains(byName[s.Name], s.ID) {
				byName[s.Name] = append(byName[s.Name], s.ID)
			}
		}
	}
	for name, ids := range byName {
		if len(ids) > 1 {
			slices.Sort(ids)
			res.Duplicates = append(res.Duplicates, Duplicate{Name: name, IDs: ids})
		}
	}
	sort.Slice(res.Duplicates, func(i, j int) bool { return res.Duplicates[i].Name < res.Duplicates[j].Name })
}

// joinInt64s lists ids: "12345, 12346".
func joinInt64s(ids []int64) string {
	out := ""
	for i, id := range ids {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprint(id)
	}
	return out
}
