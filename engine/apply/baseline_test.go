package apply

// perServerPolling returns opts with the shared poller's lists replaced by
// one GET per waiting server per tick, each server on its own backoff
// (PollInterval, then ×1.5 up to MaxPollInterval): the baseline the shared
// poller is measured against in the benchmarks, and a second way of
// waiting in the tests.
func perServerPolling(opts Options) Options {
	opts.perServer = true
	return opts
}
