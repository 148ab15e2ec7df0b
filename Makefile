# frameload: `make build` then `./frameload run SCRIPT`; `make test` runs type checks and the suite.
SHELL := /bin/bash
NODE_TEST := node --import tsx --test --test-concurrency=2 --test-reporter=spec

.PHONY: help build test typecheck demo clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  %-10s %s\n", $$1, $$2 }'

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: node_modules/.package-lock.json ## Install dependencies and bundle the CLI into ./frameload
	node build.mjs

typecheck: node_modules/.package-lock.json ## Type-check the sources, tests, typings and scenarios
	npx tsc --noEmit -p tsconfig.json
	npx tsc --noEmit -p types/tsconfig.json

test: build typecheck ## Type checks and the whole test suite
	$(NODE_TEST) $$(find test -name '*.test.ts' | sort)

demo: build ## Run 200 agents against the reference server for about a minute and print the summary
	bash scripts/demo.sh

clean: ## Remove build output
	rm -rf dist frameload

# Container image. The engine is Docker when its daemon answers, otherwise podman;
# CONTAINER_ENGINE=podman or IMAGE=name:tag override the choice and the name. A CA bundle in
# NODE_EXTRA_CA_CERTS (needed behind a TLS-intercepting proxy) reaches `npm ci` as a build secret.
.PHONY: docker container-check
IMAGE ?= frameload:latest
CONTAINER_ENGINE ?= $(shell if timeout 20 docker info > /dev/null 2>&1; then echo docker; elif command -v podman > /dev/null; then echo podman; fi)

docker: ## Build the container image (IMAGE=frameload:latest) with Docker or podman
	@if [[ -z "$(CONTAINER_ENGINE)" ]]; then echo "make docker: no running Docker engine and no podman found; install one of them" >&2; exit 1; fi
	ca_secret=(); if [[ -s "$${NODE_EXTRA_CA_CERTS:-}" ]]; then ca_secret=(--secret "id=npm_ca,src=$$NODE_EXTRA_CA_CERTS"); fi; \
	$(CONTAINER_ENGINE) build "$${ca_secret[@]}" --tag $(IMAGE) .

container-check: ## Build the image with podman and smoke-test it in containers (root; 1 to 4 minutes)
	bash container/check.sh
