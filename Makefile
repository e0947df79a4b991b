# tau-node developer entry points. `make run` starts a node; `make test` runs every test.
SWIFT ?= swift

.PHONY: all deps build release run test fuzz clean

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

clean:
	rm -rf .build .build-fuzz
