# tau-node developer entry points. `make run` starts a node; `make test` runs every test.
SWIFT ?= swift

.PHONY: all deps build release run test fuzz bench-agent bench-escrow clean

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

# The agent loop's overhead per run (docs/agent-benchmark.md); not part of `make test`.
bench-agent: deps
	@scripts/bench-agent-loop.sh

# Escrow open+result+release cycles per second on SQLite and PostgreSQL
# (docs/escrow-benchmark.md); not part of `make test`.
bench-escrow: deps
	@scripts/bench-escrow.sh

clean:
	rm -rf .build .build-fuzz Benchmarks/.build
