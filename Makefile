# Rudder — common tasks. Needs Go >= 1.26 and Node.js >= 20.
#   make run     build the UI and the binary, serve a demo on http://127.0.0.1:8080
#   make test    every test (installs PostgreSQL/Chromium when root; see scripts/test.sh)
#   make bench   load benchmarks on SQLite and PostgreSQL -> BENCHMARKS.md

SHELL := /bin/bash
GO ?= go
ADDR ?= 127.0.0.1:8080
DATA_DIR ?= ./data
BENCH_ARGS ?=

.DEFAULT_GOAL := build
.PHONY: run build ui binary bench-binary test bench fmt vet clean

run: build
	./bin/rudder serve --demo --data-dir $(DATA_DIR) --addr $(ADDR)

build: ui binary

ui:
	bash scripts/ui.sh

binary:
	$(GO) build -o bin/rudder ./cmd/rudder

bench-binary:
	$(GO) build -o bin/rudder-bench ./cmd/rudder-bench

test:
	bash scripts/test.sh

bench: build bench-binary
	bash scripts/bench.sh $(BENCH_ARGS)

fmt:
	$(GO) fmt ./...

vet:
	$(GO) vet ./...

clean:
	rm -rf bin web/embedded/dist
