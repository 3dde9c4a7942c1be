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
# about. It runs the new regime and the directive on the same seeds, each paired with its firewall twin, and
# compares them.
#
# Set `UPTAKE_NOTEBOOK_SIZE=small` for a quick check.

# %% tags=["parameters"]
import os

SIZE = os.environ.get("UPTAKE_NOTEBOOK_SIZE", "full")
SIZES = {"full": {"people": 10_000, "weeks": 104, "seeds": 5}, "small": {"people": 1_000, "weeks": 40, "seeds": 2}}
size = SIZES[SIZE]

# %%
# %matplotlib inline
import tempfile
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from analysis.stats import mean_ci, paired_loss
from analysis.style import PALETTE, new_figure
from sim.config import default_config
from sim.simulate import run_scenario

# %% [markdown]
# ## 1. The regime as overrides
#
# Start from an existing regime and change what differs. Any field of `policy` can be set this way; on the
# command line the same overrides read
# `python -m sim.run policy=appointment_disclosure policy.name=remote_first policy.remote_share.eligibility=0.6 ...`.

# %%
REMOTE_FIRST = {
    "policy.name": "remote_first",
    "policy.remote_share.eligibility": 0.6,  # share of eligibility reviews done by phone or online
    "policy.remote_share.direct_deposit": 0.5,  # bank-detail changes accepted online
    "policy.remote_share.interpreter": 0.8,  # video interpreting instead of a visit
}
size_overrides = {"population.n_people": size["people"], "weeks": size["weeks"], "paired": True, "progress": False}
cfg = default_config("appointment_disclosure", **REMOTE_FIRST, **size_overrides)
cfg.policy

# %% [markdown]
# ## 2. The same regime as a YAML file
#
# To keep a regime, write it as a file in a folder of your own, `<folder>/policy/<name>.yaml`, and add the folder
# to Hydra's search path: `python -m sim.run policy=remote_first 'hydra.searchpath=[file://<folder>]'`.
# Here the file goes to a temporary folder, and we check it composes to the same regime.

# %%
regimes = Path(tempfile.mkdtemp(prefix="regimes_"))
(regimes / "policy").mkdir()
(regimes / "policy" / "remote_first.yaml").write_text(
    """# The directive, but most in-person needs can be met remotely.
defaults:
  - appointment_disclosure
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
# `paired=True` runs each scenario's firewall counterpart on the same random numbers, so each loss below is the
# regime's effect on the same people, not chance. The counterpart keeps the scenario's remote services
# (`sim.simulate.firewall_counterpart` changes only the sharing rules), so each loss is that of the sharing alone,
# given the services on offer.

# %%
SCENARIOS = {"appointment_disclosure": {}, "remote_first": REMOTE_FIRST}
frames, metrics = [], []
for name, overrides in SCENARIOS.items():
    for seed in range(size["seeds"]):
        run_cfg = default_config("appointment_disclosure", **overrides, **size_overrides, seed=seed)
        result = run_scenario(run_cfg)
        keys = {"policy": name, "run": seed}
        frames += [result.timeseries.assign(arm="scenario", **keys), result.baseline.assign(arm="firewall", **keys)]
        metrics.append({**keys, **{k: v for k, v in result.summary["metrics"].items() if not isinstance(v, dict)}})
table = pd.concat(frames, ignore_index=True)
runs = pd.DataFrame(metrics)

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
fig, (ax,) = new_figure(1, width=7.0, height=3.8)
for color, (name, rows) in zip(PALETTE, curve.groupby("policy"), strict=False):
    ax.plot(rows["week"], 100 * rows["mean"], color=color, label=name)
    ax.fill_between(rows["week"], 100 * rows["lo"], 100 * rows["hi"], color=color, alpha=0.2, lw=0)
ax.set(xlabel="Week", ylabel="Uptake loss vs firewall (pp)", title="Immigrant families: loss against the firewall")
ax.legend()
fig

# %%
final = summary[summary["metric"] == COLUMNS["uptake_loss_final"][0]].set_index("policy")
directive, remote = final.loc["appointment_disclosure"], final.loc["remote_first"]
by_seed = runs.pivot(index="run", columns="policy", values="uptake_loss_final")
saved = mean_ci(
    (100 * (by_seed["appointment_disclosure"] - by_seed["remote_first"])).rename("d").reset_index().assign(all=1),
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
