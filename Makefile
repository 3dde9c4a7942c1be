# uptake-sim: `make run` (the main job) and `make test` set everything up themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CONSTRAINTS := constraints.txt
PIP := $(PY) -m pip install --quiet -c $(CONSTRAINTS)
APP_PORT ?= 8765
# What each command installs: the core (model, sweeps, figures) for `make run`; extras where a command needs them.
CORE := $(VENV)/.installed-core
ALL := $(VENV)/.installed-all
EXTRAS := dev,cluster,viz,calibration,discovery

.PHONY: install run figures mitigation discovery calibrate validation sensitivity findings app test check mutate brief bench bench-national bench-agents bench-profile lint format lock clean

$(CORE): pyproject.toml $(CONSTRAINTS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -e .
	touch $@

$(VENV)/.installed-%: $(CORE)
	$(PIP) -e ".[$*]"
	touch $@

$(ALL): $(CORE)
	$(PIP) -e ".[$(EXTRAS)]"
	touch $@

install: $(ALL)

# The main job: the policy comparison at a size that takes a few minutes on 2 cores. A rerun with the same model
# reuses its runs; after a change to the model the sweep goes beside the old one (--force-new), never over it. Its
# figures go into a new folder inside the sweep folder, which the command prints.
run: $(CORE)
	$(PY) -m experiments.policy_comparison population.n_people=20000 'seed=range(0,5)' \
		--sweep-dir multirun/policy_comparison_quick --force-new

# Every experiment at full size: figures/, their CSVs and figures/MANIFEST.json.
figures: $(ALL)
	$(PY) -m experiments.all

# What would undo the directive: every mitigation of conf/mitigation/ on paired seeds (figures/mitigation*).
mitigation: $(CORE)
	$(PY) -m experiments.all --only mitigation

# Under which assumptions and levers the directive does the most harm: PRIM boxes (figures/discovery_*).
discovery: $(VENV)/.installed-discovery
	$(PY) -m experiments.all --only discovery

# The fit to the survey figures and its convergence check (data/posterior/; at most 30 min on 2 cores).
calibrate: $(VENV)/.installed-calibration
	$(PY) -m experiments.calibrate

# Statistics the fit did not use, from the calibrated model (figures/validation.csv; a few minutes).
validation: $(CORE)
	$(PY) -m experiments.validation --figures figures

# Morris, then Sobol, over every declared uncertainty (figures/sensitivity_*; about 10 min on 2 cores).
sensitivity: $(VENV)/.installed-calibration
	$(PY) -m experiments.sensitivity --figures figures

# Rewrite the numbers README.md and docs/ODD.md state from the files above (tests/analysis/test_findings.py checks them).
findings: $(CORE)
	$(PY) -m analysis.findings --write

# The explorer in the browser (Mesa's SolaraViz): http://localhost:$(APP_PORT)
app: $(VENV)/.installed-viz
	SOLARA_TELEMETRY_MIXPANEL_ENABLE=False $(VENV)/bin/solara run sim/explorer/app.py --host localhost --port $(APP_PORT) --production

# Every test (what CI runs): 11.7 min in a fresh clone on 2 cores (599 tests, at 91b8e85); the target is 10.
test: $(ALL)
	$(PY) -m pytest -q -n 2 --dist worksteal

# The fast loop while editing: every unit and property test, without the end-to-end ones marked slow
# (CLI processes, launcher kills, the browser, notebooks, the fit); 2.6 min on 2 cores (512 tests).
check: $(ALL)
	$(PY) -m pytest -q -n 2 --dist worksteal -m "not slow"

# Each lever's sign or wiring flipped in a scratch copy: at least one test must fail for each (tests/mutate.py).
mutate: $(ALL)
	$(PY) -m tests.mutate

# The policy brief (notebooks/policy_brief.py) executed into a self-contained HTML report, figures embedded.
# UPTAKE_NOTEBOOK_SIZE=small make brief: a quick check at a tiny size.
brief: $(ALL)
	mkdir -p reports
	$(VENV)/bin/jupytext --quiet --to ipynb notebooks/policy_brief.py -o reports/policy_brief.ipynb
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=3600 \
		reports/policy_brief.ipynb
	$(VENV)/bin/jupyter nbconvert --to html --no-input --TagRemovePreprocessor.remove_all_outputs_tags=remove_output \
		--output policy_brief reports/policy_brief.ipynb
	@echo "Brief: reports/policy_brief.html"

# Speed and memory (docs/performance.md): vectorized at 20k, 100k and 1M people, agents at 3k and 20k,
# the plain Mesa model (benchmarks/mesa_reference.py) at 20k; best of 3 per configuration.
bench: $(ALL)
	$(PY) benchmarks/bench.py --cli

# Only the agents engine against the plain Mesa model (a few minutes).
bench-agents: $(ALL)
	$(PY) benchmarks/bench.py --agents-only

# CPU ms per week of each phase of sim.model.engine.week.WEEK at 1M people x 40 weeks.
bench-profile: $(ALL)
	$(PY) benchmarks/bench.py --profile

# The same plus 10M people (about 2 GB of memory).
bench-national: $(ALL)
	$(PY) benchmarks/bench.py --cli --national

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Rewrite constraints.txt from a fresh install of every extra at the newest versions pyproject.toml allows.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e ".[$(EXTRAS)]"
	{ sed -n '1,3p' $(CONSTRAINTS); .venv-lock/bin/python -m pip freeze --exclude-editable; } > $(CONSTRAINTS).new
	mv $(CONSTRAINTS).new $(CONSTRAINTS)
	rm -rf .venv-lock

clean:
	rm -rf outputs multirun .pytest_cache .ruff_cache
