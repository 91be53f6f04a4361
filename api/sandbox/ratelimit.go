package sandbox

import (
	"math"
	"time"
)

// tokenBucket limits requests to rate a second with a burst of
// max(1, rate), on the account's clock.
type tokenBucket struct {
	rate   float64 // tokens a second; 0 = unlimited
	burst  float64
	tokens float64
	last   time.Time
}

func newTokenBucket(rate float64, now time.Time) tokenBucket {
	burst := math.Max(1, rate)
	return tokenBucket{rate: rate, burst: burst, tokens: burst, last: now}
}

// take spends one token at now. When none is left it spends nothing and
// returns how many whole seconds (at least 1) until one is available.
func (b *tokenBucket) take(now time.Time) (ok bool, retryAfter int) {
	if b.rate <= 0 {
		return true, 0
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(b.burst, b.tokens+elapsed*b.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := math.Ceil((1 - b.tokens) / b.rate)
	if wait < 1 {
		wait = 1
	}
	return false, int(wait)
}
