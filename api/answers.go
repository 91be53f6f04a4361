package api

import "fmt"

// Checks of the success answers the engine relies on. A 2xx answer that
// does not say what was asked for would otherwise surface much later (a
// create without an id waited out the whole apply timeout); each check
// returns what is wrong with the decoded answer, or "", and do turns a
// problem into an *Error at once (with OutcomeUnknown set for a request
// that may have changed the account).

// checkCreated checks a create's answer: a positive id and a name. (The
// name is not compared with the one asked for: the waits that follow a
// create match id and name, and report a server that never shows up.)
func (c *Client) checkCreated(req CreateRequest, s *Server) string {
	lookFor := fmt.Sprintf("the server may have been created: look for a server named %q before creating it again", c.redactor.shorten(req.Name))
	switch {
	case s.ID <= 0:
		return fmt.Sprintf("the answer names no usable server id (%d); %s", s.ID, lookFor)
	case s.Name == "":
		return fmt.Sprintf("the answer names no server (server %d has no name); %s", s.ID, lookFor)
	}
	return ""
}

// checkSameServer checks that an answer about server id (GET, PUT,
// PATCH) is about that server.
func checkSameServer(id int64, s *Server) string {
	switch {
	case s.ID == 0:
		return fmt.Sprintf("the answer names no server id; expected server %d", id)
	case s.ID != id:
		return fmt.Sprintf("the answer is about server %d, not %d as asked; report this to VPS.org", s.ID, id)
	}
	return ""
}

// checkAction checks that an action's answer, if it names a server,
// names server id.
func checkAction(id int64, r *ActionResult) string {
	if r.Server.ID != 0 && r.Server.ID != id {
		return fmt.Sprintf("the answer is about server %d, not %d as asked; report this to VPS.org", r.Server.ID, id)
	}
	return ""
}

// checkListed checks a list page's items: each has a positive id (the list
// is merged by id) and a name (servers are matched by name).
func checkListed(page *listPage) string {
	for i, s := range page.Results {
		switch {
		case s.ID <= 0:
			return fmt.Sprintf("list item %d of this page has no usable server id (%d); report this to VPS.org", i+1, s.ID)
		case s.Name == "":
			return fmt.Sprintf("list item %d of this page (server %d) has no name; report this to VPS.org", i+1, s.ID)
		}
	}
	return ""
}
