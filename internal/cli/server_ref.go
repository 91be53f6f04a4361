package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/internal/suggest"
	"github.com/vpsfleet/vpsfleet/schema"
)

// serverRef is the server a server subcommand names: an id, or a name
// to look up (names are not unique server-side, so a name must be).
type serverRef struct {
	id   int64
	name string // "" when given as an id
}

// parseServerRef reads what the user gave: digits are an id (names start
// with a letter, so nothing is both), anything else must be a valid name.
func parseServerRef(s string) (serverRef, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n <= 0 {
			return serverRef{}, fmt.Errorf("%q is not a server ID: IDs are positive whole numbers, as \"vpsfleet server list\" shows", s)
		}
		return serverRef{id: n}, nil
	}
	if !schema.ValidServerName(s) {
		return serverRef{}, fmt.Errorf("%q is not a server ID or name: IDs are positive whole numbers and names start with a letter (then letters, digits, hyphens), as \"vpsfleet server list\" shows", s)
	}
	return serverRef{name: s}, nil
}

// resolve returns the id of the server ref names, listing the account to
// find a name. A name no server carries, or that several carry, is an
// error that says what to give instead.
func (ref serverRef) resolve(ctx context.Context, client *api.Client, command string) (int64, error) {
	if ref.name == "" {
		return ref.id, nil
	}
	servers, err := client.ListServers(ctx, api.ListOptions{})
	if err != nil {
		return 0, fmt.Errorf("looking up the server named %s: %w", ref.name, err)
	}
	var ids []string
	var id int64
	names := make([]string, 0, len(servers))
	for _, s := range servers {
		names = append(names, s.Name)
		if s.Name == ref.name {
			id = s.ID
			ids = append(ids, strconv.FormatInt(s.ID, 10))
		}
	}
	switch len(ids) {
	case 1:
		return id, nil
	case 0:
		hint := ""
		if best := suggest.Closest(ref.name, names); best != "" {
			hint = fmt.Sprintf(" Did you mean %q?", best)
		}
		return 0, fmt.Errorf("no server is named %s.%s \"vpsfleet server list\" shows the names and ids", ref.name, hint)
	}
	return 0, fmt.Errorf("%d servers are named %s (ids %s), so the name does not say which one is meant; give the id instead, e.g. vpsfleet server %s %s",
		len(ids), ref.name, strings.Join(ids, ", "), command, ids[0])
}
