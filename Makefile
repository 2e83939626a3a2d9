# kensho — see README.md. Two commands set up and check a fresh machine:
#   make run    build and run the whole pipeline on the demo data, leaving the site in public/
#   make test   run every test
GO      ?= go
BIN     := bin/kensho
DB      ?= .build/kensho.duckdb
# staticcheck at a pinned version, run by 'make test' (go run fetches it once
# into the module cache).
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run demo-data build test property bench data serve clean npm echarts wasm report-pdf attack

# kensho embeds ECharts (site/assets/echarts/, committed), so building it
# needs Go alone: 'go install ./cmd/kensho' works from a fresh clone.
build: wasm
	$(GO) build -o $(BIN) ./cmd/kensho

# The check page's WebAssembly (package reportfile for the browser), packed for
# the site; it prints its size. Go's build cache makes a rebuild cheap.
wasm:
	$(GO) run ./internal/wasmbundle -out bin/check

# npm installs the ECharts that package-lock.json pins; the tests check that
# the embedded copy is byte for byte that one.
npm: node_modules/echarts/dist/echarts.min.js
node_modules/echarts/dist/echarts.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# After a change of the ECharts version in package.json (then npm install):
# copies npm's files into site/assets/echarts/ for kensho to embed.
echarts: npm
	$(GO) test ./site -run '^TestEmbeddedECharts$$' -count=1 -update-echarts

# The sample in data/ is synthetic: the site says so on every page, and
# names a demo publisher and a contact under the reserved .example domain.
DEMO_SITE := --synthetic --publisher 'kensho デモ(合成データ)|kensho demo (synthetic data)' --contact 'demo@kensho.example'

# The demo is national in volume: five fiscal years (FY2020–FY2024) at scale 1,
# about 300,000 synthetic reports in the operators' mixed formats with their
# corrections and a register of public facts, generated deterministically into
# .build/demo (seed as data/'s; 10 s). The sample in data/ (6 % of that volume,
# twelve years) is too small for microdata under the rules: it withholds 5–14 %
# of its records against 0.3 % or less here (BENCHMARKS.md, session 18). The tests
# use the sample. The demo starts from a new restricted database each time:
# the database keeps the archive of releases, and the demo is one release.
DEMO_IN    := .build/demo
DEMO_SYNTH := --seed 20261124 --from 2020 --to 2024 --scale 1 --format mixed --layout mixed --corrections 0.005
DEMO       := --in $(DEMO_IN)/reports --public $(DEMO_IN)/public-facts.csv
# register/public-facts.csv is the sample's register of public facts (its
# serious accidents as the ministry would announce them; data/README.md).
SAMPLE := --in data --public register/public-facts.csv
run: build demo-data
	rm -f $(DB) $(DB).wal
	$(BIN) build $(DEMO) --out public --db $(DB) $(DEMO_SITE)
	@echo "The site is in public/ — open public/index.html, or run 'make serve'."

# The demo's reports and register, written afresh (synth never overwrites).
demo-data: build
	rm -rf $(DEMO_IN)
	$(BIN) synth $(DEMO_SYNTH) --public $(DEMO_IN)/public-facts.csv --out $(DEMO_IN)/reports

serve: build
	$(BIN) serve public

test: npm wasm
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	$(GO) test -count=1 -timeout 30m ./...

# The property and attack tests at full size, and the demo site checked on the whole sample
# (make test runs each at a small size; see README).
property: npm wasm
	KENSHO_FULL=1 $(GO) test -count=1 -timeout 180m ./anonymize ./cmd/kensho

bench: build
	$(GO) run ./internal/bench

# The independent attacker (internal/attack, docs/attack.md) on the full
# sample, on the demo and on synthetic releases: every withheld figure bounded by HiGHS
# from the published files alone, as an outsider and as each operator; each
# implication of the code lists left out of kensho's model in turn; three
# successive releases with corrections (the changes between them).
# Needs python3-scipy. ATTACK_SEEDS and ATTACK_SCALE choose the synthetic runs.
ATTACK_SEEDS ?= 7,11
ATTACK_SCALE ?= 0.05
attack: build
	mkdir -p .build/attack
	rm -f .build/attack/sample.duckdb .build/attack/sample.duckdb.wal
	$(BIN) build $(SAMPLE) --out .build/attack/sample --db .build/attack/sample.duckdb
	KENSHO_ATTACK_OUT=$(CURDIR)/.build/attack/sample KENSHO_ATTACK_DB=$(CURDIR)/.build/attack/sample.duckdb \
	  $(GO) test -count=1 -timeout 0 -v -run '^TestAttackRelease$$' ./internal/attack
	$(MAKE) demo-data
	rm -f .build/attack/demo.duckdb .build/attack/demo.duckdb.wal
	$(BIN) build $(DEMO) --out .build/attack/demo --db .build/attack/demo.duckdb
	KENSHO_ATTACK_OUT=$(CURDIR)/.build/attack/demo KENSHO_ATTACK_DB=$(CURDIR)/.build/attack/demo.duckdb KENSHO_ATTACK_INSIDERS=10 \
	  $(GO) test -count=1 -timeout 0 -v -run '^TestAttackRelease$$' ./internal/attack
	KENSHO_ATTACK_FULL=1 KENSHO_ATTACK_SEEDS=$(ATTACK_SEEDS) KENSHO_ATTACK_SCALE=$(ATTACK_SCALE) \
	  $(GO) test -count=1 -timeout 0 -v -run '^(TestAttackSynthetic|TestAttackRandomSmall|TestEveryImplicationIsNeeded|TestAttackReleaseChanges)$$' ./internal/attack

# Regenerates the sample in data/ and its register of public facts byte-identically (the seed
# is recorded in data/README.md). synth never overwrites, so the generated files go first
# (data/README.md stays).
data:
	rm -rf data/FY[0-9][0-9][0-9][0-9] register/public-facts.csv
	$(GO) run ./cmd/kensho synth --seed 20261124 --from 2013 --to 2024 --scale 0.06 --format mixed --layout mixed --corrections 0.005 --public register/public-facts.csv --out data

clean:
	rm -rf bin .build public

# The annual report of one fiscal year as an A4 PDF, printed by headless chromium:
#   make report-pdf FY=2024 [REPORT_LANG=en]
REPORT_LANG ?= ja
report-pdf: run
	@test -n "$(FY)" || { echo "usage: make report-pdf FY=2024 [REPORT_LANG=en]"; exit 2; }
	mkdir -p .build
	chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
	  --disable-background-networking --disable-component-update --disable-sync --no-first-run \
	  --run-all-compositor-stages-before-draw --virtual-time-budget=10000 \
	  --print-to-pdf=.build/report-$(FY)-$(REPORT_LANG).pdf \
	  "file://$(CURDIR)/public/$(if $(filter en,$(REPORT_LANG)),en/)report/$(FY)/index.html"
	@echo "wrote .build/report-$(FY)-$(REPORT_LANG).pdf"
