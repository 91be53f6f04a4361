package api

// SetMaxListed sets how many servers one ListServers call may receive
// (defaultMaxListed otherwise), so that tests reach the limit quickly.
func SetMaxListed(c *Client, n int) { c.maxListed = n }
