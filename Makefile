# The README's commands. Everything runs inside .venv, created on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := demo

.PHONY: demo test check bench clean install

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[spark,web,dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(BIN)/entrepot sample --out $(DEMO)/sample
	$(BIN)/entrepot --store $(DEMO)/entrepot.duckdb classifications load $(DEMO)/sample/classifications
	$(BIN)/entrepot --store $(DEMO)/entrepot.duckdb ingest $(DEMO)/sample/records.parquet
	$(BIN)/entrepot --store $(DEMO)/entrepot.duckdb summary --period 2025-12
	$(BIN)/entrepot --store $(DEMO)/entrepot.duckdb compile
	$(BIN)/entrepot --store $(DEMO)/entrepot.duckdb indices --period 2025-12 --by partner --top 10
	$(BIN)/entrepot --store $(DEMO)/entrepot.duckdb release --period 2025-12 --out out/release-2025-12

test: $(STAMP)
	$(BIN)/pytest -q

check: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src

# Peer libraries for the index benchmark. pyindexnum declares numpy<2 but runs on numpy 2,
# so it goes in without its pins rather than downgrading the project's numpy.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet PriceIndexCalc statsmodels scikit-learn scipy polars
	$(BIN)/pip install --quiet --no-deps pyindexnum
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/ingest_rate.py
	$(BIN)/python bench/index_formulas.py
	$(BIN)/python bench/compile.py --rows 20M
	$(BIN)/python bench/analysis.py --rows 1M
	$(BIN)/python bench/release.py

clean:
	rm -rf $(VENV) $(DEMO) out .pytest_cache
