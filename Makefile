# The machine defaults to GOTOOLCHAIN=local; go.mod names toolchain
# go1.26.10 (standard library security fixes), which "auto" fetches.
export GOTOOLCHAIN := auto
GO ?= go
BIN := bin/portal

.PHONY: help run build test test-short generate check bench crashtest browser-deps

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## /  /'

## run: build and start the portal on http://localhost:8080 with the demo data
run: build
	PORTAL_DEMO=1 ./$(BIN)

## build: compile the portal binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/portal

## test: run every test, browser tests included (installs Debian's chromium when missing)
test: browser-deps
	$(GO) test -count=1 -timeout 15m ./...

## test-short: run the tests without the browser
test-short:
	$(GO) test -count=1 -short ./...

## generate: regenerate the templ components (*_templ.go)
generate:
	$(GO) tool templ generate

## check: gofmt, go vet, staticcheck, and generated templ files up to date
check:
	@out=$$(gofmt -l $$(git ls-files '*.go') 2>&1); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) tool templ generate >/dev/null 2>&1
	@if ! git diff --quiet -- '*_templ.go' || [ -n "$$(git ls-files --others --exclude-standard -- '*_templ.go')" ]; then \
		echo "templ generate changed files: run 'make generate' and commit them"; git status --short -- '*_templ.go'; exit 1; fi
	@echo "check: ok"

## bench: benchmarks on this machine: public pages against the static ceiling, and more
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 30m ./cmd/portal/
	$(GO) test -run '^$$' -bench . -benchmem ./web/

## crashtest: kill the real server with SIGKILL 24 times while clients submit inquiries; no acknowledged one may be lost
crashtest:
	$(GO) test -tags crashtest -run '^TestCrash$$' -count=1 -v -timeout 5m ./cmd/portal/

## browser-deps: install Debian's chromium for the browser tests when it is missing
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "installing chromium (Debian package) for the browser tests"; \
		SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
