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
# # Sharing appointment times with ICE: what the model says it costs
#
# This brief compares three regimes for the Social Security Administration (SSA):
#
# - **Firewall**: before the directive, an office discloses a visit to Immigration and Customs Enforcement (ICE)
#   only on a formal, documented request, with records kept.
# - **Directive**: staff give ICE the date and time of in-person appointments on request, informally, without
#   records.
# - **Directive, then injunction**: the directive, until a court blocks the sharing.
#
# Every run of the directive is paired with a firewall run on the same random numbers, so each difference below
# is the policy's effect and not chance. Every number in the text is computed from the runs in this notebook.
#
# `make brief` runs this notebook and writes `reports/policy_brief.html`. Set `UPTAKE_NOTEBOOK_SIZE=small` for a
# quick check (tiny population, few seeds: the numbers are then noise, not findings).

# %% tags=["parameters"]
import os

SIZE = os.environ.get("UPTAKE_NOTEBOOK_SIZE", "full")  # "full" for the brief, "small" for a quick check
BEHAVIOR = os.environ.get("UPTAKE_NOTEBOOK_BEHAVIOR", "posterior")  # "posterior" (calibrated) or "default"
SIZES = {
    # people, weeks, seeds, Hydra launcher (the basic launcher avoids worker start-up for tiny sweeps)
    "full": {"people": 20_000, "weeks": 156, "seeds": 6, "launcher": "joblib"},
    "small": {"people": 1_000, "weeks": 66, "seeds": 2, "launcher": "basic"},  # the court acts at week 60
}
size = SIZES[SIZE]

# %%
# %matplotlib inline
import tempfile
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from analysis import figures
from analysis.stats import mean_ci, paired_loss, uptake
from analysis.style import new_figure, regime_colors, regime_label
from experiments import policy_comparison
from sim.paths import BASELINE, ROOT, default_regime, policy_file, regimes

# The three regimes, found by what their files in conf/policy/ state, not by name: the baseline (the firewall),
# the regime the model runs by default (the directive), and the one that adds a court order to the directive.
DIRECTIVE = default_regime()
COURT = [
    r
    for r in regimes()
    if policy_file(r).get("injunction_week", -1) >= 0 and policy_file(r)["rules"] == policy_file(DIRECTIVE)["rules"]
]
assert len(COURT) == 1, f"expected one regime in conf/policy/ that is the directive with a court order, not {COURT}"
COURT = COURT[0]
REGIMES = [BASELINE, DIRECTIVE, COURT]
output = Path(os.environ.get("UPTAKE_NOTEBOOK_OUTPUT", ROOT / "multirun"))  # where the sweep's runs are kept
sweep_dir = output / f"policy_brief_{SIZE}_{BEHAVIOR}"
figures_dir = Path(tempfile.mkdtemp(prefix="policy_brief_figures_"))
overrides = [
    f"policy={','.join(REGIMES)}",
    f"seed=range(0,{size['seeds']})",
    f"population.n_people={size['people']}",
    f"weeks={size['weeks']}",
    f"behavior={BEHAVIOR}",
    f"hydra/launcher={size['launcher']}",
]

# %% [markdown]
# ## Running the comparison
#
# The next cell runs the sweep (one Hydra multirun, resumable: rerunning skips finished runs) and loads it into a
# tidy table. At full size it takes a few minutes on two cores.

# %% tags=["remove_output"]
result = policy_comparison.main(["--sweep-dir", str(sweep_dir), "--figures", str(figures_dir), *overrides])
runs = result.sweep.runs
table = result.sweep.table
n_seeds = runs["p.seed"].nunique()
n_people = int(runs["population.n_people"].iloc[0])
weeks = int(runs["weeks"].iloc[0])
injunction_week = int(runs.loc[runs["policy"] == COURT, "policy.injunction_week"].iloc[0])
start_week = int(runs["policy.start_week"].iloc[0])

# %% [markdown]
# ## Headline numbers
#
# Means across seeds with 95% intervals. Losses and extra dollars are against each run's own firewall twin.

# %%
head = figures.headline_table(runs)
head = head[head["policy"] != BASELINE]


def num(x: float, digits: int = 2) -> str:
    """A number as text, without a minus sign on a value that rounds to zero."""
    text = f"{x:,.{digits}f}"
    return text.lstrip("-") if float(text.replace(",", "")) == 0 else text


def fmt(mean: float, lo: float, hi: float, digits: int = 1) -> str:
    """A mean with its 95% interval, as text."""
    return f"{num(mean, digits)} [{num(lo, digits)}, {num(hi, digits)}]"


head["value"] = [fmt(r["mean"], r["lo"], r["hi"], 2 if "pp" in r["metric"] else 0) for _, r in head.iterrows()]
headline = head.pivot(index="metric", columns="policy", values="value")[[DIRECTIVE, COURT]]
headline.columns = [regime_label(c) for c in headline.columns]
headline.index.name = None
display(headline)


# %%
def metric(policy: str, column: str, scale: float = 1.0) -> pd.Series:
    """Mean, lo, hi of one per-run metric for one regime."""
    rows = runs.loc[runs["policy"] == policy, ["policy", column]].dropna()
    rows = rows.assign(value=rows[column].astype(float) * scale)
    return mean_ci(rows, ["policy"], "value").iloc[0] if len(rows) else pd.Series({"mean": float("nan")})


loss_groups = figures.loss_by_group(table).plotted
loss_groups[["mean", "lo", "hi"]] *= 100
by_group = loss_groups[loss_groups["policy"] == DIRECTIVE].set_index("segment")

loss_all = metric(DIRECTIVE, "m.uptake_loss_final", 100)
loss_inj = metric(COURT, "m.uptake_loss_final", 100)
dollars = metric(DIRECTIVE, "m.extra_forgone_usd_per_1000_eligible")
children = metric(DIRECTIVE, "m.citizen_children_lost_benefit")
encounters = metric(DIRECTIVE, "m.encounters")
chilling = metric(DIRECTIVE, "m.chilling_ratio")
MIXED = "Citizens in mixed-status families"
mixed = by_group.loc[MIXED] if MIXED in by_group.index else None
mixed_eligible = uptake(table[table["week"] == weeks - 1], ["run", "arm"], MIXED).query("arm == @BASELINE")
mixed_eligible = mixed_eligible["eligible"].mean()
half_life = metric(COURT, "m.recovery_half_life_weeks")
citizen_only = by_group.loc["Citizen-only households"]
worst = by_group.drop(index="All eligible people")["mean"].idxmax()

# %% [markdown]
# ## What the model finds


# %%
def interval(m: pd.Series, digits: int = 2, unit: str = "") -> str:
    return f"95% interval {unit}{num(m['lo'], digits)} to {unit}{num(m['hi'], digits)}"


USD = r"\$"  # a bare $ would start a formula in Markdown


def direction(m: pd.Series) -> str:
    """'lower', 'higher', or 'not clearly different' (the interval spans zero)."""
    if m["lo"] > 0:
        return "lower"
    return "higher" if m["hi"] < 0 else "not clearly different"


uptake_text = (
    f"By week {weeks}, the share of eligible people receiving their benefits is "
    f"**{abs(loss_all['mean']):.2f} percentage points {'lower' if loss_all['mean'] >= 0 else 'higher'}** under the "
    f"directive than under the firewall ({interval(loss_all)}; {direction(loss_all)} once chance is accounted for). "
    f"The largest loss is among *{worst.lower()}* ({by_group.loc[worst, 'mean']:.1f} points), against "
    f"{citizen_only['mean']:.2f} points in citizen-only households."
)
mixed_text = (
    f"Citizens in mixed-status families (about {mixed_eligible:,.0f} eligible people per run here) lose "
    f"**{mixed['mean']:.1f} points** of uptake ({interval(mixed, 1)}). They face no enforcement themselves; the "
    "noncitizen adult who must attend for them does, and that adult's fear decides whether their benefit is kept."
    if mixed is not None
    else "No citizen in a mixed-status family was eligible in these runs."
)
children_text = (
    f"In a population of {n_people:,} people, the directive leaves on average **{children['mean']:.0f}** more "
    f"citizen children in mixed-status families without their benefit at the end ({interval(children, 0)})."
)
dollars_text = (
    f"Eligible people forgo an extra **{USD}{num(dollars['mean'], 0)}** per 1,000 eligible people over the "
    f"{weeks} weeks ({interval(dollars, 0, USD)})."
)
chill_text = (
    f"The directive leads to {encounters['mean']:.1f} enforcement encounters per run, and for each one about "
    f"**{chilling['mean']:.0f}** eligible visits are deterred ({interval(chilling, 0)}): "
    + ("most of the harm comes from fear, not from arrests." if chilling["mean"] > 1 else "few visits per arrest.")
    if pd.notna(chilling["mean"])
    else f"The directive leads to {encounters['mean']:.1f} enforcement encounters per run; with none in some runs, "
    "the chilling ratio (visits deterred per encounter) is not defined here."
)
change = loss_all["mean"] - loss_inj["mean"]
court_text = (
    f"With a court blocking the sharing at week {injunction_week}, the loss at week {weeks} is "
    f"{loss_inj['mean']:.2f} points ({interval(loss_inj)}), against {loss_all['mean']:.2f} without it"
    + (
        f": the injunction removes {100 * change / loss_all['mean']:.0f}% of the loss by then. "
        + (
            f"Half of the loss present at the court date is gone after {half_life['mean']:.0f} weeks "
            f"({interval(half_life, 0)}): fear fades only as memories decay and people see safe visits again."
            if pd.notna(half_life["mean"])
            else ""
        )
        if loss_all["mean"] > 0 and change > 0
        else ": in these runs the injunction has not reduced the loss by the last week."
    )
)
display(
    Markdown(
        f"**Uptake.** {uptake_text}\n\n**Citizen children.** {mixed_text} {children_text}\n\n"
        f"**Money.** {dollars_text}\n\n**Arrests and fear.** {chill_text}\n\n**A court order.** {court_text}"
    )
)
if SIZE != "full":
    display(Markdown(f"*Run at size `{SIZE}`: {n_people:,} people and {n_seeds} seeds; these numbers are noise.*"))

# %% [markdown]
# ## Figures
#
# Uptake over time under each regime (bands are 95% intervals across seeds), and who loses benefits by the last
# week (bars: mean loss against the paired firewall run; whiskers: 95% intervals).

# %%
figures.uptake_over_time(table)

# %%
figures.loss_by_group(table)

# %% [markdown]
# ## Loss over time with and without a court order

# %%
weekly = paired_loss(table[table["policy"] != BASELINE], ["policy", "run", "week"], figures.IMMIGRANT)
curve = mean_ci(weekly, ["policy", "week"], "loss")
curve[["mean", "lo", "hi"]] *= 100
fig, (ax,) = new_figure(1, width=7.0, height=3.8)
colors = regime_colors(curve["policy"].unique())
for policy, rows in curve.groupby("policy"):
    ax.plot(rows["week"], rows["mean"], color=colors[policy], label=regime_label(policy))
    ax.fill_between(rows["week"], rows["lo"], rows["hi"], color=colors[policy], alpha=0.2, lw=0)
ax.axvline(start_week, color="grey", ls=":", lw=0.8)
ax.axvline(injunction_week, color="grey", ls="--", lw=0.8)
ax.set(xlabel="Week", ylabel="Uptake loss vs firewall (pp)", title="Immigrant families: loss against the firewall")
ax.legend(fontsize=8)
fig

# %% [markdown]
# ## What this model is, and is not

# %%
calibrated = (
    "Its behavioural parameters (how fear is learned, spread and forgotten) are drawn, seed by seed, from a "
    "posterior calibrated to survey reports of benefit avoidance in immigrant families (Urban Institute, Well-Being "
    "and Basic Needs Survey; docs/ODD.md, 'Calibration'), so the intervals above carry parameter uncertainty and "
    "chance together. That survey measured fear of a different policy (the public-charge rule): the calibration "
    "sets how strongly fear acts; it does not measure the effect of this directive itself."
    if BEHAVIOR == "posterior"
    else "Its behavioural parameters are the illustrative defaults, so the intervals above carry chance only."
)
display(
    Markdown(f"""
This is an agent-based simulation of a synthetic population of {n_people:,} people over {weeks} weeks, run
{n_seeds} times per regime ({len(runs)} paired runs in all). Population shares, benefit amounts and enforcement
parameters are **illustrative assumptions**, documented with their sources and ranges in `docs/ODD.md`; they are
not census counts. {calibrated} The numbers show the size and direction of effects the mechanism produces and
which groups it reaches; they are not forecasts of national totals. Intervals are 95% t-intervals across seeds.
Sweep: `{result.sweep_dir.relative_to(ROOT) if result.sweep_dir.is_relative_to(ROOT) else result.sweep_dir}`.
""")
)
