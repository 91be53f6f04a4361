package api

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// retryBudget is the number of retries left to all requests of a client,
// a token bucket: a retry spends one token, a request answered with
// success earns one back, up to the initial size.
// An API that mostly answers keeps the budget full, however long the run;
// one that mostly fails drains it, and the client stops retrying.
type retryBudget struct {
	left atomic.Int64
	size int64
}

func newRetryBudget(n int) *retryBudget {
	b := &retryBudget{size: int64(n)}
	b.left.Store(int64(n))
	return b
}

// refund earns back one token after a success, never past the initial
// size. It is safe for concurrent use.
func (b *retryBudget) refund() { b.move(1) }

// take spends one retry; it reports false, spending nothing, when none is
// left. It is safe for concurrent use.
func (b *retryBudget) take() bool { return b.move(-1) }

// move adds delta to the tokens left and reports true, unless that would
// take them below zero or above the initial size: then it changes nothing
// and reports false.
func (b *retryBudget) move(delta int64) bool {
	for {
		n := b.left.Load()
		if next := n + delta; next < 0 || next > b.size {
			return false
		}
		if b.left.CompareAndSwap(n, n+delta) {
			return true
		}
	}
}

// verdict is what the retrier does after a failed attempt.
type verdict int

const (
	giveUp    verdict = iota // return the error
	retry                    // wait and send again
	succeeded                // the failure shows an earlier attempt worked
)

// judge decides what to do after attempt failure e of a request of kind k.
// uncertain reports that an earlier attempt of the same request was sent
// and its outcome is unknown.
//
//   - 429 is retried for every kind: the server did nothing.
//   - A failure before the request was sent is retried for every kind.
//   - 5xx, resets and timeouts after sending are retried for GET, PUT,
//     PATCH and DELETE, never for a POST, which could then act twice.
//   - A DELETE that gets 404 after an uncertain attempt has succeeded.
func judge(k callKind, e *Error, uncertain bool) verdict {
	switch {
	case e.final:
		return giveUp
	case e.Status == 429:
		return retry
	case e.Status == 0 && !e.sent:
		return retry
	case k == kindDelete && e.Status == 404 && uncertain:
		return succeeded
	case unknownOutcome(e):
		if k == kindCreate || k == kindAction {
			return giveUp
		}
		return retry
	}
	return giveUp
}

// unknownOutcome reports whether the attempt reached the server but its
// result is not known: a 5xx answer, or no answer after sending. (A 2xx
// answer that could not be read is also of unknown outcome, but never
// retried: it is final.)
func unknownOutcome(e *Error) bool {
	return e.Status >= 500 || (e.Status == 0 && e.sent)
}

// retrier is the retry layer: it repeats an attempt while judge allows,
// waiting the backoff (after Retry-After, when given), within the
// per-request limit and the client-wide budget (which each success
// refills by one).
type retrier struct {
	maxRetries int
	budget     *retryBudget
	backoff    func(retry int) time.Duration
	sleep      func(ctx context.Context, d time.Duration) error
}

// attemptFunc is the layer below the retrier: one attempt, whose reply is
// a success or whose *Error describes the failure.
type attemptFunc func(ctx context.Context, c *call) (*reply, *Error)

// do sends c until it succeeds or must stop. A returned error is an *Error
// or wraps one (with ErrRetryBudgetExhausted, or the caller's context
// error when it ended while waiting).
func (r *retrier) do(ctx context.Context, c *call, attempt attemptFunc) (*reply, error) {
	uncertain := false
	for n := 1; ; n++ {
		rep, e := attempt(ctx, c)
		if e == nil {
			r.budget.refund()
			rep.attempts = n
			return rep, nil
		}
		e.Attempts = n
		v := judge(c.kind, e, uncertain)
		if v == succeeded {
			return &reply{status: 204}, nil
		}
		// The outcome is unknown if this attempt's is, or if an earlier
		// attempt's was and this one failed without being judged (429, no
		// answer).
		unknown := unknownOutcome(e) || success(e.Status)
		e.OutcomeUnknown = c.kind.mutates() && (unknown || (uncertain && (e.Status == 429 || e.Status == 0)))
		uncertain = uncertain || unknown
		if v == giveUp || ctx.Err() != nil {
			return nil, e
		}
		limit := r.maxRetries
		if e.connect {
			limit = min(limit, maxConnectRetries)
		}
		if n > limit {
			return nil, e
		}
		if !r.budget.take() {
			return nil, fmt.Errorf("%w: %w", ErrRetryBudgetExhausted, e)
		}
		wait := retryWait(e, r.backoff(n-1))
		if e.connect {
			wait = min(wait, connectRetryWait(n-1))
		}
		if wait > 0 {
			if err := r.sleep(ctx, wait); err != nil {
				return nil, fmt.Errorf("stopped while waiting %s to retry (%w) after: %w", wait, err, e)
			}
		}
	}
}

// A server that cannot be reached at all (the connection is refused, the
// host does not resolve, dialling times out) is retried only a few times,
// briefly, whatever WithMaxRetries and WithBackoff say: it is either down
// or the endpoint is wrong, and a quick restart is the only case a retry
// helps. The waits add up to 1.75 s at most (250 ms, 500 ms, 1 s).
const maxConnectRetries = 3

// connectRetryWait caps the wait before retry number retry (0 for the
// first) after a connection failure: 250ms·2^retry, at most 1 s.
func connectRetryWait(retry int) time.Duration {
	const base, ceiling = 250 * time.Millisecond, time.Second
	if retry < 0 || retry > 2 {
		return ceiling
	}
	return min(base<<retry, ceiling)
}

// retryWait is how long to wait before retrying after e: the jittered
// backoff, added to the Retry-After the answer asked for, if any. The
// Retry-After is honoured (never retried earlier); the jitter on top keeps
// requests that were throttled together (parallel workers told to come
// back in one second) from all coming back in the same instant and being
// throttled together again.
func retryWait(e *Error, backoff time.Duration) time.Duration {
	backoff = max(backoff, 0)
	if e.hasRetryAfter {
		return e.retryAfter + backoff
	}
	return backoff
}

// DefaultBackoff is the client's default wait before retry number retry
// (0 for the first): a random duration between 0 and
// min(20s, 500ms·2^retry) ("full jitter"), so clients that failed together
// do not retry together.
func DefaultBackoff(retry int) time.Duration {
	const base, ceiling = 500 * time.Millisecond, 20 * time.Second
	limit := ceiling
	if retry >= 0 && retry < 6 {
		limit = min(base<<retry, ceiling)
	}
	return rand.N(limit + 1)
}

// sleepContext waits d, or until ctx ends (returning ctx.Err()).
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
