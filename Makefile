# caddy-consent. `make test` installs what the tests need on a fresh Debian
# machine (Chromium, Node.js, axe-core) and runs every test, browser tests included.

GO      ?= go
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT     := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get
PKGS    := ./...

.PHONY: test deps deps-apt deps-npm fmt-check vet unit fuzz-ci e2e build build-check demo bench fuzz clean

test: deps fmt-check vet unit fuzz-ci build-check e2e

# ./caddy: Caddy with every module of this repository, stamped with this
# checkout's version (see build/build.sh; VERSION=v1.2.3 overrides it).
build:
	@GO="$(GO)" VERSION="$(VERSION)" bash build/build.sh

# Builds ./caddy and checks that Caddy reports the stamped version of each of
# our modules, as an operator would see it.
build-check: build
	@bash build/check.sh ./caddy

deps: deps-apt deps-npm
	$(GO) mod download

# Debian packages the tests drive: chromium for browser tests; nodejs for
# module/banner's syntax check of the served script (node --check) and npm
# for deps-npm (Debian's nodejs leaves npm to its own package).
deps-apt:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		$(APT) update -qq && $(APT) install -y -qq --no-install-recommends $$missing; \
	fi

# axe-core for the accessibility checks, injected into Chromium through CDP.
deps-npm: deps-apt
	@[ -f node_modules/axe-core/axe.min.js ] || npm install --no-save --no-audit --no-fund --loglevel=error axe-core@4

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

unit:
	$(GO) test -race -timeout 30m $(PKGS)

# A real WordPress from Debian (mariadb, php-fpm) and a real Drupal 7 from
# ../shared/drupal (SQLite, php-fpm) behind the module, driven by headless
# Chromium. The setup scripts are idempotent and start private daemons (no
# systemd); teardown (both sites) always runs and the recipe keeps the test's
# exit status.
# e2e/cluster: three Caddy processes on a private Redis behind a balancer; its
# setup.sh only installs redis-server, the test starts and stops its Redis. Its
# Caddy (e2e/cluster/caddy) is a Go module of its own, outside ./...: its Redis
# storage's tests (each on a private redis-server) run here.
E2E_TIMEOUT ?= 10m

e2e: deps-apt
	@$(SUDO) bash e2e/cluster/setup.sh
	cd e2e/cluster/caddy && GOWORK=off $(GO) vet ./... && GOWORK=off $(GO) test -race -count=1 ./...
	@{ $(SUDO) bash e2e/setup.sh && $(SUDO) bash e2e/drupal-setup.sh; } || { $(SUDO) bash e2e/teardown.sh; exit 1; }; \
	status=0; \
	$(SUDO) env "PATH=$$PATH" $(GO) test -tags e2e -count=1 -timeout $(E2E_TIMEOUT) ./e2e/... || status=$$?; \
	$(SUDO) bash e2e/teardown.sh; \
	exit $$status

# The demo of the README: http://localhost:8080
demo:
	$(GO) run ./cmd/caddy run --config Caddyfile.example

# Benchmarks as recorded in BENCHMARKS.md.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./module/htmlrewrite/ ./module/catalog/

# A bounded fuzz run in every make test: the response writer's state machine
# (header/write/flush/abort orderings, encodings, statuses), which decides
# whether Caddy stays up when a backend dies mid-page. Its corpus, including
# what earlier runs found, is in module/consent/testdata/fuzz.
FUZZ_CI_TIME ?= 20s

fuzz-ci:
	$(GO) test -run '^$$' -fuzz '^FuzzResponseWriter$$' -fuzztime $(FUZZ_CI_TIME) ./module/consent/

# Short fuzz runs of every fuzz target.
fuzz:
	@for p in $$($(GO) list ./module/...); do \
		for f in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz'); do \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 30s $$p || exit 1; \
		done; \
	done

clean:
	rm -rf node_modules caddy
