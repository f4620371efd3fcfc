# Two entry points, each setting up what it needs on a fresh machine:
#   make run    build the graph, show the skill path to Head of AI, write the pages
#   make test   run the whole test suite
#   make pages  rewrite the committed pages and charts in visualizations/ (and its index.html)
#   make screenshots  the README's screenshots of those pages, taken in Chromium
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Debian packages (installed by `system` when missing): Java for HermiT (owlready2) and Apache Jena,
# Chromium for the browser tests, Jena's riot for the release checks, curl for the
# README's endpoint snippet, Virtuoso 7 for the remote-store tests and benchmarks.

.PHONY: run test bench system venv clean pages screenshots

run: venv
	@command -v java >/dev/null || $(MAKE) --no-print-directory system
	$(BIN)/aikg build
	$(MAKE) --no-print-directory pages
	$(BIN)/aikg docs

pages: venv
	$(BIN)/aikg path "Junior AI Engineer" "Head of AI Engineering" \
	    --html visualizations/path-JuniorAIEngineer-HeadOfAIEngineering.html
	$(BIN)/aikg viz
	$(BIN)/aikg viz --focus "Head of AI Engineering" --depth 1
	$(BIN)/aikg viz --planner
	$(BIN)/aikg charts

screenshots: system venv
	$(BIN)/python tools/screenshots.py --pages visualizations --out docs/screenshots \
	    visualizations/index.html visualizations/graph.html visualizations/career-ladder.html \
	    visualizations/path-JuniorAIEngineer-HeadOfAIEngineering.html \
	    visualizations/focus-HeadOfAIEngineering.html visualizations/charts.html \
	    visualizations/planner.html
	$(BIN)/python tools/planner_screenshots.py --out docs/screenshots

test: system venv
	$(BIN)/pytest -q

bench: venv
	$(BIN)/python bench/run_all.py

venv: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

# Installs only what is missing; uses sudo when not root.
system:
	@missing=""; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -f /usr/share/java/jena-arq.jar ] || missing="$$missing libapache-jena-java"; \
	command -v curl >/dev/null 2>&1 || missing="$$missing curl"; \
	command -v virtuoso-t >/dev/null 2>&1 || missing="$$missing virtuoso-opensource"; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	  echo "Installing system packages:$$missing"; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
