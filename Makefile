# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CONSTRAINTS := constraints.txt

.PHONY: run test lint typecheck migrations-check messages install install-test browser dovecot report-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3

$(STAMP): $(BIN)/python pyproject.toml $(CONSTRAINTS)
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e .
	touch $@

$(TEST_STAMP): $(STAMP) pyproject.toml $(CONSTRAINTS)
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[test]'
	touch $@

install: $(STAMP)
install-test: $(TEST_STAMP)

# Browser tests drive Debian's Chromium; install it when it is missing and we may.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install Debian's 'chromium' package for the browser tests" >&2; exit 1; fi; }

# The e-mail tests talk IMAP to a throwaway Dovecot (tests/intake/mail/dovecot.py starts it
# with its own config in a temp dir); only the binary is needed, no system-wide config.
dovecot:
	@command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's dovecot-imapd for the e-mail tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends dovecot-imapd >/dev/null; \
	  else echo "dovecot is missing: install Debian's 'dovecot-imapd' package for the e-mail tests" >&2; exit 1; fi; }
# The review report's PDF needs CJK fonts, and its tests read the PDF with pdftotext.
report-deps:
	@missing=""; \
	  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	  command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	      echo "installing$$missing for the review report"; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    else echo "missing Debian packages:$$missing (for the review report's PDF and its tests)" >&2; exit 1; fi; \
	  fi

run: install
	$(BIN)/caseledger up

test: install-test browser dovecot report-deps
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install-test
	$(BIN)/mypy src

migrations-check: install-test
	$(BIN)/caseledger makemigrations --check --dry-run

# The zh-Hans catalogue: collect new strings, translate them in the .po, then compile.
messages: install
	cd src/caseledger && ../../$(BIN)/caseledger makemessages -l zh_Hans --no-obsolete
	cd src/caseledger && ../../$(BIN)/caseledger compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) build src/*.egg-info
