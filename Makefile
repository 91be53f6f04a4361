# vpsfleet — build, test, benchmark and demo.

GO      ?= go
BIN     := bin/vpsfleet
# The demo's own sandbox account, started afresh each time.
DEMO_STATE := .vpsfleet/demo.json
DEMO       := VPSORG_ENDPOINT=sandbox:$(DEMO_STATE) $(BIN)

.PHONY: all build test fmt-check vet cross actionlint bench fuzz demo clean

all: build

build:
	$(GO) build -buildvcs=auto -o $(BIN) .

# test: formatting, vet, the cross-platform builds, the example workflow,
# then every test with the race detector.
test: fmt-check vet cross actionlint
	$(GO) test -race -count=1 -timeout 10m ./...

# test-pg: `make test` with a private PostgreSQL cluster for the lock and
# journal tests (installed if missing when root, started on a free loopback
# port in a temporary folder, removed afterwards), as CI runs it.
.PHONY: test-pg
test-pg:
	bash .ci/with-postgres $(MAKE) test

fmt-check:
	@out=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	if [ -n "$$out" ]; then echo "gofmt: these files need formatting (run gofmt -w):"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# cross: the binary builds for every platform users run it on.
cross:
	GOOS=linux GOARCH=amd64 $(GO) build -o /dev/null .
	GOOS=darwin GOARCH=arm64 $(GO) build -o /dev/null .
	GOOS=windows GOARCH=amd64 $(GO) build -o /dev/null .

# actionlint: the example GitHub Actions workflow is valid (expressions,
# action inputs, and its scripts through shellcheck where shellcheck is
# installed). A pinned release, run from the module proxy: it is a tool,
# not a dependency of vpsfleet, and stays out of go.mod.
ACTIONLINT := github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
actionlint:
	$(GO) run $(ACTIONLINT) -no-color examples/ci/.github/workflows/vpsfleet.yml

# bench: the scenarios of the issues, with requests and wall time per run.
# The in-memory ones run for the default time; the sandbox ones once. The
# last prints the scale table (#13): apply and no-op plan at 1k, 10k and
# 100k servers, each scenario in a process of its own for its peak RSS
# (VPSFLEET_SCALE_N=N runs one size only).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./schema/
	$(GO) test -run '^$$' -bench 'Plan10000' -benchmem ./engine/
	$(GO) test -run '^$$' -bench 'Markdown3000' -benchmem ./engine/render/
	$(GO) test -run '^$$' -bench 'ListServers10000|Create1000' -benchtime 3x -benchmem ./api/ ./api/sandbox/
	$(GO) test -run '^$$' -bench 'NoOpPlan10000' -benchtime 5x -benchmem ./api/
	$(GO) test -run '^$$' -bench 'Account10000' -benchmem ./api/sandbox/
	$(GO) test -run '^$$' -bench 'CreateParallel' -benchtime 3x -benchmem ./api/sandbox/
	$(GO) test -run '^$$' -bench 'ListPage|ListAllFiltered|JournalAppend' -benchmem ./api/sandbox/
	$(GO) test -run '^$$' -bench 'Compaction' -benchtime 3x -benchmem ./api/sandbox/
	$(GO) test -run '^$$' -bench 'Serve100000' -benchtime 1x -benchmem ./api/sandbox/
	$(GO) test -run '^$$' -bench 'Sandbox' -benchtime 1x -timeout 30m ./engine/
	$(GO) test -run '^$$' -bench 'Apply' -benchtime 1x -timeout 30m ./engine/apply/
	bash .ci/with-postgres $(GO) test -run '^$$' -bench 'Lock1000|Journal1000' -benchmem ./internal/lock/ ./internal/journal/ ./internal/cli/
	$(GO) test -run '^$$' -bench '^BenchmarkScaleTable$$' -benchtime 1x -timeout 30m ./engine/apply/

# fuzz: a short run of every fuzz target (seeds live in */testdata/fuzz).
FUZZTIME ?= 20s
fuzz:
	@for pkg in ./api ./api/sandbox ./schema ./engine/planfile; do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# demo: plan and apply the quickstart fleet on the embedded sandbox
# account (no token, no server), then plan again: no changes.
demo: build
	@rm -f $(DEMO_STATE) $(DEMO_STATE).lock
	$(DEMO) plan examples/quickstart
	$(DEMO) apply -auto-approve examples/quickstart
	$(DEMO) plan examples/quickstart
	$(DEMO) server list

clean:
	rm -rf bin .vpsfleet
