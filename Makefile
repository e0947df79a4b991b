# tau-node developer entry points. `make run` starts a node; `make test` runs every test.
SWIFT ?= swift

.PHONY: all deps build release run test fuzz bench bench-compare bench-agent bench-escrow clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

run: build
	@scripts/run-dev-node.sh

test:
	@scripts/test.sh

fuzz: deps
	@Fuzz/run.sh

# Every benchmark and the figures of docs/performance.md; not part of `make test`.
bench: deps
	@scripts/bench-all.sh

# Every benchmark against the checked-in baseline; fails on a regression beyond
# TAU_BENCH_TOLERANCE percent (15) at p50 (docs/performance.md).
bench-compare: deps
	@scripts/bench-compare.sh

# The agent loop's overhead per run (docs/agent-benchmark.md); not part of `make test`.
bench-agent: deps
	@scripts/bench-agent-loop.sh

# Escrow open+result+release cycles per second on SQLite and PostgreSQL
# (docs/escrow-benchmark.md); not part of `make test`.
bench-escrow: deps
	@scripts/bench-escrow.sh

clean:
	rm -rf .build .build-fuzz Benchmarks/.build
