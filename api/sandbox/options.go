package sandbox

import "time"

// Options configures an Account. The zero value of every field except the
// two delays means "use the default" (see New); the delays are taken as
// given, so a zero delay makes transitions instant, which is what tests
// want. DefaultOptions returns the pleasant demo settings.
type Options struct {
	// StatePath is the JSON state file; "" keeps the account in memory only.
	StatePath string
	// Token is the accepted bearer token; default "sandbox".
	Token string
	// ProvisionDelay is how long a new server stays provisioning before it
	// is active (DefaultOptions: 3s; zero means instant).
	ProvisionDelay time.Duration
	// TransitionDelay is how long stopping, starting and rebooting last
	// (DefaultOptions: 1s; zero means instant).
	TransitionDelay time.Duration
	// Credits is the starting balance of a NEW account; default 10000, and
	// a negative value means a balance of zero. An existing state file
	// keeps its own balance.
	Credits int64
	// PageSize is the list page size; default 50.
	PageSize int
	// FaultRate is the share (0..1) of /api requests answered 500, 502 or
	// 503, or reset, before they take effect.
	FaultRate float64
	// DropRate is the share (0..1) of successful creates that commit the
	// server but lose the response (the connection closes unanswered).
	DropRate float64
	// Latency is added (in real time) to every /api request.
	Latency time.Duration
	// RateLimit is the number of requests a second allowed over all
	// authenticated /api requests; 0 means unlimited. Excess requests get
	// 429 with a Retry-After header.
	RateLimit float64
	// Now is the clock every timestamp, status and the rate limit are
	// computed from; default time.Now.
	Now func() time.Time
	// Seed seeds the randomness (faults, IP addresses); 0 seeds from the
	// current time.
	Seed int64
	// Empty makes a new account start with no servers; otherwise it holds
	// the documentation's two example servers (ids 12345 and 12346).
	Empty bool
	// ReadOnlyIfLocked makes New, when another process holds the state
	// file's lock, open the account read-only instead of failing: it
	// reads the state files as they are on disk, reads them again when
	// they have changed before answering a request, answers every read as
	// usual, and refuses every change (423 Locked, with a detail saying
	// another process holds the sandbox state and to retry when it ends;
	// Import returns that error). Without a StatePath, or when the lock
	// is free, it changes nothing: New takes the lock as usual.
	ReadOnlyIfLocked bool

	// compactAfter, when positive, replaces the journal's compaction
	// bound (see compactBoundLocked); for tests.
	compactAfter int64
}

// Defaults used by New for zero-valued fields.
const (
	DefaultToken    = "sandbox"
	DefaultCredits  = 10000
	DefaultPageSize = 50
)

// DefaultOptions returns the demo settings: token "sandbox", a 3s
// provisioning delay, a 1s transition delay, 10000 credits, pages of 50,
// no faults, no latency, no rate limit, the real clock.
func DefaultOptions() Options {
	return Options{
		Token:           DefaultToken,
		ProvisionDelay:  3 * time.Second,
		TransitionDelay: time.Second,
		Credits:         DefaultCredits,
		PageSize:        DefaultPageSize,
		Now:             time.Now,
	}
}

// withDefaults fills the zero fields New treats as "default"; it leaves the
// delays alone.
func (o Options) withDefaults() Options {
	if o.Token == "" {
		o.Token = DefaultToken
	}
	switch {
	case o.Credits == 0:
		o.Credits = DefaultCredits
	case o.Credits < 0:
		o.Credits = 0
	}
	if o.PageSize <= 0 {
		o.PageSize = DefaultPageSize
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Seed == 0 {
		o.Seed = time.Now().UnixNano()
	}
	return o
}
