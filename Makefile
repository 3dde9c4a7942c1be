# uptake-sim: `make run` (the main job) and `make test` set everything up themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
APP_PORT ?= 8765

.PHONY: install run figures mitigation discovery calibrate validation sensitivity findings app test brief bench bench-national bench-agents bench-profile lint format clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,cluster,viz,calibration,discovery]"
	touch $(STAMP)

install: $(STAMP)

# The main job: the policy comparison at a size that takes a few minutes on 2 cores.
run: $(STAMP)
	$(PY) -m experiments.policy_comparison population.n_people=20000 'seed=range(0,5)' \
		--sweep-dir multirun/policy_comparison_quick --figures outputs/policy_comparison

# Every experiment at full size: figures/, their CSVs and figures/MANIFEST.json.
figures: $(STAMP)
	$(PY) -m experiments.all

# What would undo the directive: every mitigation of conf/mitigation/ on paired seeds (figures/mitigation*).
mitigation: $(STAMP)
	$(PY) -m experiments.all --only mitigation

# Under which assumptions and levers the directive does the most harm: PRIM boxes (figures/discovery_*).
discovery: $(STAMP)
	$(PY) -m experiments.all --only discovery

# The fit to the survey figures and its convergence check (data/posterior/; at most 30 min on 2 cores).
calibrate: $(STAMP)
	$(PY) -m experiments.calibrate

# Statistics the fit did not use, from the calibrated model (figures/validation.csv; a few minutes).
validation: $(STAMP)
	$(PY) -m experiments.validation

# Morris, then Sobol, over every declared uncertainty (figures/sensitivity_*; about 10 min on 2 cores).
sensitivity: $(STAMP)
	$(PY) -m experiments.sensitivity

# Rewrite the numbers README.md and docs/ODD.md state from the files above (tests/test_findings.py checks them).
findings: $(STAMP)
	$(PY) -m analysis.findings --write

# The explorer in the browser (Mesa's SolaraViz): http://localhost:$(APP_PORT)
app: $(STAMP)
	SOLARA_TELEMETRY_MIXPANEL_ENABLE=False $(VENV)/bin/solara run sim/app.py --host localhost --port $(APP_PORT) --production

test: $(STAMP)
	$(PY) -m pytest -q -n 2

# The policy brief (notebooks/policy_brief.py) executed into a self-contained HTML report, figures embedded.
# UPTAKE_NOTEBOOK_SIZE=small make brief: a quick check at a tiny size.
brief: $(STAMP)
	mkdir -p reports
	$(VENV)/bin/jupytext --quiet --to ipynb notebooks/policy_brief.py -o reports/policy_brief.ipynb
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=3600 \
		reports/policy_brief.ipynb
	$(VENV)/bin/jupyter nbconvert --to html --no-input --TagRemovePreprocessor.remove_all_outputs_tags=remove_output \
		--output policy_brief reports/policy_brief.ipynb
	@echo "Brief: reports/policy_brief.html"

# Speed and memory (docs/performance.md): vectorized at 20k, 100k and 1M people, agents at 3k and 20k,
# the plain Mesa model (benchmarks/mesa_reference.py) at 20k; best of 3 per configuration.
bench: $(STAMP)
	$(PY) benchmarks/bench.py --cli

# Only the agents engine against the plain Mesa model (a few minutes).
bench-agents: $(STAMP)
	$(PY) benchmarks/bench.py --agents-only

# CPU ms per week of each phase of sim.model.WEEK at 1M people x 40 weeks.
bench-profile: $(STAMP)
	$(PY) benchmarks/bench.py --profile

# The same plus 10M people (about 2 GB of memory).
bench-national: $(STAMP)
	$(PY) benchmarks/bench.py --cli --national

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf outputs multirun .pytest_cache .ruff_cache
