# kpemu: the two commands a newcomer needs are `make demo` and `make test`.
# Both work with only Go installed. `make ci` also installs the oracle
# packages (Debian) and runs every test with the oracles required.

GO        ?= go
ORACLES   := libunicorn-dev binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu
DIFFTEST_N ?= 1000000
FUZZTIME  ?= 10s

.PHONY: demo test ci oracles bench vet fmt-check fuzz

demo:
	$(GO) run ./cmd/kpemu demo

test:
	$(GO) test ./...
	@$(GO) run ./internal/oracle/cmd/oracles

# Install the oracle packages when they are missing (needs root, as CI has).
oracles:
	@missing=""; for p in $(ORACLES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing oracles:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

vet:
	$(GO) vet ./...
	$(GO) vet -tags unicorn ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# The real-kernel loading test needs a distribution arm64 vmlinux: fetched
# once (Debian's linux-image-*-arm64-dbg, about a minute) and cached.
ci: oracles fmt-check vet
	KPEMU_VMLINUX=$$(scripts/fetch-vmlinux.sh) KPEMU_REQUIRE_ORACLES=1 $(GO) test -tags unicorn -timeout 30m ./...
	KPEMU_REQUIRE_ORACLES=1 $(GO) test -tags unicorn -timeout 30m -count=1 -run 'TestDifferential$$' ./emu/difftest -difftest.n=$(DIFFTEST_N)

# Speed: guest instructions per second of the interpreter, plain and with a
# code hook on every instruction, against Unicorn in the same run; host
# nanoseconds per kprobe hit (out-of-line step, simulation, kretprobe).
bench:
	$(GO) test -tags unicorn -run '^$$' -bench 'BenchmarkLoop' -benchtime 2s ./emu
	$(GO) test -run '^$$' -bench 'BenchmarkProbeHit' -benchtime 1s ./kprobe

fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "== $$pkg $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done
