# appstart: see README.md. `make test` is the command CI runs (.ci/run); the
# integration tests in it run real containers and need root. `make test-unit`
# needs neither root nor Docker.

GO       ?= go
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X appstart/runtime/app.Version=$(VERSION)
BIN      := bin/appstart
TIMEOUT  ?= 30m
FUZZTIME ?= 30s
EXAMPLE  ?= examples/hello

# staticcheck for make lint: from PATH, else where `go install` puts it
# (make tools installs this version; .ci/run does when it is missing).
STATICCHECK_VERSION := v0.8.2
GOBINDIR     = $(or $(shell $(GO) env GOBIN),$(firstword $(subst :, ,$(shell $(GO) env GOPATH)))/bin)
STATICCHECK ?= $(or $(shell command -v staticcheck),$(GOBINDIR)/staticcheck)

.PHONY: build test test-unit lint tools bench fuzz e2e run-example clean schema

# A static, stripped binary: it must run in any image, FROM scratch included.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/appstart
# `appstart convert start.sh` execs this one, beside appstart: the shell
# parser stays out of the init's binary (and so out of PID 1's memory).
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w" -o $(dir $(BIN))appstart-convert ./cmd/appstart-convert

# Integration tests are part of the normal run (no build tag): they use the
# binary just built through harness.Binary ($$APPSTART_BIN).
test: lint build
	APPSTART_BIN=$(CURDIR)/$(BIN) $(GO) test -race -timeout $(TIMEOUT) ./...

# In seconds, as any user, with no container: -short makes every test that
# needs root, the harness, Docker or an installed server skip (through
# harness.SkipOrFail, which CI=true turns into a failure only without -short).
test-unit:
	$(GO) test -short ./...

# go vet, staticcheck and a go.mod that go mod tidy would leave as it is.
lint:
	$(GO) vet ./...
	@test -x "$(STATICCHECK)" || { echo "make lint: no staticcheck on PATH or in $(GOBINDIR): run make tools" >&2; exit 1; }
	$(STATICCHECK) ./...
	$(GO) mod tidy -diff

tools:
	$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

# The Go benchmarks of every package, then one markdown table comparing
# appstart as PID 1 with tini, dumb-init and supervisord (needs root; the
# counts are flags of cmd/compare, ~3 minutes).
bench: build
	APPSTART_BIN=$(CURDIR)/$(BIN) $(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./cmd/compare -bin $(BIN)

# Every Fuzz target of every package, FUZZTIME each (go test -fuzz takes one
# package and one target at a time).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

# The Docker tests, with E2E=1 enabling the slow ones (harness.RequireE2E):
# every example in an image built FROM a debootstrapped Debian bookworm
# (testdata/e2e/base-image.sh: ~2.5 minutes the first time, then cached in
# /var/cache/appstart-e2e), run twice the platform's way. Needs root and a
# Docker engine; prints the timings table (also in bin/e2e-summary.md).
E2E_SUMMARY ?= $(CURDIR)/bin/e2e-summary.md
e2e: build
	@start=$$(date +%s); rm -f $(E2E_SUMMARY); \
	base=$$(testdata/e2e/base-image.sh) || exit 1; \
	E2E=1 E2E_BASE_IMAGE=$$base E2E_SUMMARY=$(E2E_SUMMARY) APPSTART_BIN=$(CURDIR)/$(BIN) \
		$(GO) test -count=1 -timeout 60m -run 'Docker|E2E' -v ./...; rc=$$?; \
	if [ -f $(E2E_SUMMARY) ]; then echo; echo "base image $$base"; cat $(E2E_SUMMARY); fi; \
	echo "make e2e: $$(($$(date +%s) - start)) s, exit $$rc"; exit $$rc

# Runs $(EXAMPLE) with appstart as PID 1 in a harness container, attached to
# this terminal: Ctrl-C stops it (needs root). Built, then run, not `go run`:
# go run turns the Ctrl-C it also receives into exit status 1, and make then
# reports a clean stop as an error.
run-example: build
	$(GO) build -o bin/runexample ./cmd/runexample
	bin/runexample -bin $(BIN) $(EXAMPLE)

clean:
	rm -rf bin

# Regenerates the JSON Schema after a change to the spec's key table
# (runtime/schema's test fails until it is rerun).
schema:
	$(GO) run ./runtime/schema/gen > appstart.schema.json
