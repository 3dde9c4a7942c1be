# ---
# jupyter:
#   jupytext:
#     formats: py:percent,ipynb
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # A regime of your own
#
# A data-sharing regime is a set of parameters, not code (`conf/policy/*.yaml`, documented in `docs/ODD.md`,
# section 9.6). This notebook defines a new one, **remote first**: the directive stays, but most in-person needs
# can be met by phone, online or video interpreter, so fewer people have to walk into an office ICE may be told
# about. It runs the new regime and the directive on the same seeds through `python -m sim.run`, each paired with
# its firewall twin, reads the runs' outputs back, and compares them.
#
# Set `UPTAKE_NOTEBOOK_SIZE=small` for a quick check.

# %% tags=["parameters"]
import os

SIZE = os.environ.get("UPTAKE_NOTEBOOK_SIZE", "full")
SIZES = {"full": {"people": 10_000, "weeks": 104, "seeds": 5}, "small": {"people": 1_000, "weeks": 40, "seeds": 2}}
size = SIZES[SIZE]

# %%
# %matplotlib inline
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from analysis.load import load_sweep
from analysis.stats import mean_ci, paired_loss
from analysis.style import new_figure, regime_colors, regime_label
from sim.config import default_config
from sim.paths import ROOT, default_regime

DIRECTIVE = default_regime()  # the regime conf/config.yaml runs by default: the directive
output = Path(os.environ.get("UPTAKE_NOTEBOOK_OUTPUT", tempfile.mkdtemp(prefix="custom_scenario_")))

# %% [markdown]
# ## 1. The regime as overrides
#
# Start from an existing regime and change what differs. Any field of `policy` can be set this way; on the
# command line the same overrides read
# `python -m sim.run policy=<regime> policy.name=remote_first policy.remote_share.eligibility=0.6 ...`.

# %%
REMOTE_FIRST = {
    "policy.name": "remote_first",
    "policy.remote_share.eligibility": 0.6,  # share of eligibility reviews done by phone or online
    "policy.remote_share.direct_deposit": 0.5,  # bank-detail changes accepted online
    "policy.remote_share.interpreter": 0.8,  # video interpreting instead of a visit
}
size_overrides = {"population.n_people": size["people"], "weeks": size["weeks"], "paired": True, "progress": False}
cfg = default_config(DIRECTIVE, **REMOTE_FIRST, **size_overrides)
cfg.policy

# %% [markdown]
# ## 2. The same regime as a YAML file
#
# To keep a regime, write it as a file in a folder of your own, `<folder>/policy/<name>.yaml`, and add the folder
# to Hydra's search path: `python -m sim.run policy=remote_first 'hydra.searchpath=[file://<folder>]'`. (A file
# dropped into `conf/policy/` itself joins every comparison, with a colour of its own in the figures.)
# Here the file goes to a temporary folder, and we check it composes to the same regime.

# %%
regimes = Path(tempfile.mkdtemp(prefix="regimes_"))
(regimes / "policy").mkdir()
(regimes / "policy" / "remote_first.yaml").write_text(
    f"""# The directive, but most in-person needs can be met remotely.
defaults:
  - {DIRECTIVE}
  - _self_
name: remote_first
remote_share:
  eligibility: 0.6
  direct_deposit: 0.5
  interpreter: 0.8
"""
)
from_yaml = default_config("remote_first", **{"hydra.searchpath": f"[file://{regimes}]"}, **size_overrides)
assert from_yaml.policy == cfg.policy, "the YAML file and the overrides should define the same regime"
print((regimes / "policy" / "remote_first.yaml").read_text())

# %% [markdown]
# ## 3. Run both regimes on the same seeds
#
# One Hydra sweep runs both regimes, each seed once, exactly as `python -m sim.run -m` does on the command line;
# the runs' outputs are then read back into a tidy table (`analysis.load`). `paired=true` runs each scenario's
# firewall counterpart on the same random numbers, so each loss below is the regime's effect on the same people,
# not chance. The counterpart keeps the scenario's remote services (`firewall_counterpart` in `sim.simulate`
# takes only the sharing rules from `conf/policy/firewall.yaml`), so each loss is that of the sharing alone,
# given the services on offer.

# %% tags=["remove_output"]
sweep_dir = output / f"custom_scenario_{SIZE}"
command = [
    sys.executable,
    "-m",
    "sim.run",
    "-m",
    f"policy={DIRECTIVE},remote_first",
    f"hydra.searchpath=[file://{regimes}]",
    f"seed=range(0,{size['seeds']})",
    *(f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in size_overrides.items()),
    f"hydra.sweep.dir={sweep_dir}",
]
subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
sweep = load_sweep(sweep_dir, strict=True)
table = sweep.table
runs = sweep.runs.rename(columns=lambda c: c.removeprefix("m."))

# %% [markdown]
# ## 4. Compare

# %%
COLUMNS = {
    "uptake_loss_final": ("Uptake loss, final week (pp)", 100),
    "extra_forgone_usd_per_1000_eligible": ("Extra forgone per 1,000 eligible (USD)", 1),
    "encounters": ("Enforcement encounters", 1),
    "visits_deterred": ("Eligible visits deterred", 1),
    "appointments_remote": ("Needs met remotely", 1),
}
rows = []
for column, (label, scale) in COLUMNS.items():
    ci = mean_ci(runs.assign(value=runs[column].astype(float) * scale), ["policy"], "value")
    rows += [{"metric": label, **r} for r in ci.to_dict("records")]
summary = pd.DataFrame(rows)
summary["mean [95% interval]"] = [f"{r.mean:,.2f} [{r.lo:,.2f}, {r.hi:,.2f}]" for r in summary.itertuples()]
summary.pivot(index="metric", columns="policy", values="mean [95% interval]")

# %%
weekly = paired_loss(table, ["policy", "run", "week"], "Immigrant families")
curve = mean_ci(weekly, ["policy", "week"], "loss")
colors = regime_colors(curve["policy"].unique())
fig, (ax,) = new_figure(1, width=7.0, height=3.8)
for name, rows in curve.groupby("policy"):
    color = colors[name]
    ax.plot(rows["week"], 100 * rows["mean"], color=color, label=regime_label(name))
    ax.fill_between(rows["week"], 100 * rows["lo"], 100 * rows["hi"], color=color, alpha=0.2, lw=0)
ax.set(xlabel="Week", ylabel="Uptake loss vs firewall (pp)", title="Immigrant families: loss against the firewall")
ax.legend()
fig

# %%
final = summary[summary["metric"] == COLUMNS["uptake_loss_final"][0]].set_index("policy")
directive, remote = final.loc[DIRECTIVE], final.loc["remote_first"]
by_seed = runs.pivot(index="p.seed", columns="policy", values="uptake_loss_final")
saved = mean_ci(
    (100 * (by_seed[DIRECTIVE] - by_seed["remote_first"])).rename("d").reset_index().assign(all=1),
    ["all"],
    "d",
).iloc[0]
verdict = (
    f"removes {100 * (1 - remote['mean'] / directive['mean']):.0f}% of the directive's loss"
    if directive["mean"] > 0 and remote["mean"] < directive["mean"]
    else "does not reduce the directive's loss in these runs"
)
Markdown(
    f"With the directive in force, making most needs remotely possible {verdict}: the final-week uptake loss is "
    f"{remote['mean']:.2f} points (95% interval {remote['lo']:.2f} to {remote['hi']:.2f}) against "
    f"{directive['mean']:.2f} ({directive['lo']:.2f} to {directive['hi']:.2f}) under the directive alone, over "
    f"{size['seeds']} seeds of {size['people']:,} people. Seed by seed (the same people and draws under both), "
    f"remote services reduce the loss by {saved['mean']:.2f} points (95% interval {saved['lo']:.2f} to "
    f"{saved['hi']:.2f}; a negative value would mean a larger loss)."
)
