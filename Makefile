# frameload: `make build` then `./frameload run SCRIPT`; `make test` runs type checks and the suite.
SHELL := /bin/bash
NODE_TEST := node --import tsx --test --test-concurrency=2 --test-reporter=spec

.PHONY: help build test typecheck unit demo bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  %-10s %s\n", $$1, $$2 }'

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: node_modules/.package-lock.json ## Install dependencies and bundle the CLI into ./frameload
	node build.mjs

typecheck: node_modules/.package-lock.json ## Type-check the sources, tests, typings and scenarios
	npx tsc --noEmit -p tsconfig.json

test: build typecheck ## Type checks and the whole test suite
	$(NODE_TEST) $$(find test -name '*.test.ts' | sort)

clean: ## Remove build output
	rm -rf dist frameload
