# The two commands of the README: `make demo` and `make test`. Both install what they need first.
#
# IKO runs on Python 3.11. `PYTHON` is the interpreter that builds .venv: python3.11 when it is on
# the PATH, else python3; override it with `make PYTHON=/path/to/python3.11 ...`. Before every
# install the .venv is checked, and rebuilt (with a message saying why) when it was made with
# another Python, has no working bin/python, or holds an install that did not finish.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3)
REQUIRED_PYTHON := 3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Present while pip installs; left behind when an install fails or is interrupted.
PENDING := $(VENV)/.install-pending
PYTHON_VERSION = -c 'import sys; print("%d.%d" % sys.version_info[:2])'

.PHONY: install venv demo test docs messages messages-check bench clean

install: venv
	@$(MAKE) --no-print-directory $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt
	@touch $(PENDING)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	@rm -f $(PENDING)
	@touch $(STAMP)

# Make sure .venv exists and is built with Python $(REQUIRED_PYTHON); rebuild it when it is not.
venv:
	@found=$$($(PYTHON) $(PYTHON_VERSION) 2>/dev/null) || found=""; \
	if [ "$$found" != "$(REQUIRED_PYTHON)" ]; then \
		echo "IKO needs Python $(REQUIRED_PYTHON), but PYTHON=$(PYTHON) is $${found:-not a working Python}." >&2; \
		echo "Install Python $(REQUIRED_PYTHON) (with its venv module) or run: make PYTHON=/path/to/python$(REQUIRED_PYTHON) $(MAKECMDGOALS)" >&2; \
		exit 1; \
	fi; \
	reason=""; \
	if [ -e $(VENV) ] || [ -L $(VENV) ]; then \
		venv_version=$$($(BIN)/python $(PYTHON_VERSION) 2>/dev/null) || venv_version=""; \
		if [ -z "$$venv_version" ]; then reason="it has no working bin/python"; \
		elif [ "$$venv_version" != "$(REQUIRED_PYTHON)" ]; then reason="it was built with Python $$venv_version"; \
		elif [ -e $(PENDING) ]; then reason="an earlier install in it did not finish"; \
		fi; \
		if [ -n "$$reason" ]; then \
			echo "Rebuilding $(VENV): $$reason. Removing it and creating it again with $(PYTHON) (Python $(REQUIRED_PYTHON))."; \
			rm -rf $(VENV); \
		fi; \
	fi; \
	if [ ! -e $(VENV) ]; then \
		$(PYTHON) -m venv $(VENV) || { \
			rm -rf $(VENV); \
			echo "Could not create $(VENV) with $(PYTHON): is its venv module installed (Debian: apt-get install python$(REQUIRED_PYTHON)-venv)?" >&2; \
			exit 1; }; \
		echo "Created $(VENV) with $(PYTHON) (Python $$($(BIN)/python -c 'import platform; print(platform.python_version())'))."; \
	fi

demo: install
	$(BIN)/python manage.py demo

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The documentation, built as CI builds it: warnings are errors.
docs: install
	$(BIN)/python -m sphinx -W --keep-going -b html docs docs/_build/html

# The Dutch translations (iko_project/locale/nl/LC_MESSAGES/django.po): adds every new text of the code
# with an empty msgstr, drops removed ones and compiles django.mo. Fill in the empty msgstr lines,
# run it again, commit both files (docs/developer/i18n.md). `make messages-check` is what CI checks.
messages: install
	$(BIN)/python -m iko_project.messages update

messages-check: install
	$(BIN)/python -m iko_project.messages check

clean:
	rm -rf $(VENV) var docs/_build
