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
# In the model, fear is an inference about the enforcement chain: each household's decision maker holds a belief
# that the agency tells ICE when asked (perceived disclosure), a sense of ICE activity nearby, and trust in the
# agency (`docs/ODD.md`, section 7). Every run of the directive is paired with a firewall run on the same random
# numbers, so each difference below compares the same people. Pairing cuts the chance in a difference; it does
# not remove it: `docs/reliability.md` ("Variance reduction from pairing", behaviour at its defaults) measures a
# variance reduction of x5.1 for uptake, mean over weeks, and x4.5 for uptake, final week, hence the intervals over
# seeds. Every number in the text is computed from the runs in this notebook.
#
# **The behavioural parameters are the calibrated posterior** (`behavior=posterior`, `docs/ODD.md` section 11):
# each seed draws one particle of the fit to the Urban Institute's survey figures, and one announcement transfer
# (how loud the directive is beside the public-charge rule the surveys measured, an assumption from 0.3 to 1.5).
#
# `make brief` runs this notebook and writes `reports/policy_brief.html`. Set `UPTAKE_NOTEBOOK_SIZE=small` for a
# quick check (tiny population, few seeds: the numbers are then noise, not findings).

# %% tags=["parameters"]
import os

SIZE = os.environ.get("UPTAKE_NOTEBOOK_SIZE", "full")  # "full" for the brief, "small" for a quick check
SIZES = {
    # people, weeks, seeds, Hydra launcher (the basic launcher avoids worker start-up for tiny sweeps)
    "full": {"people": 20_000, "weeks": 156, "seeds": 6, "launcher": "joblib"},
    "small": {"people": 1_000, "weeks": 66, "seeds": 2, "launcher": "basic"},  # the court acts at week 60
}
size = SIZES[SIZE]
BEHAVIOR = "posterior"  # the calibrated model: one posterior draw and one announcement transfer per seed

# %%
# %matplotlib inline
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import Image, Markdown, display

from analysis.load import load_sweep
from analysis.stats import mean_intervals
from analysis.style import PALETTE, new_figure, regime_colors, regime_label
from sim.config import CITIZEN_STATUSES, HOUSEHOLD_TYPES
from sim.config.paths import BASELINE, BASELINE_ARM, ROOT, default_regime, policy_file, regimes
from sim.results.outcomes import MIN_AGENTS
from sim.results.outputs import SCENARIO

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
SCENARIOS = [DIRECTIVE, COURT]  # each run carries its own paired firewall arm
output = Path(os.environ.get("UPTAKE_NOTEBOOK_OUTPUT", ROOT / "multirun"))  # where the sweep's runs are kept
sweep_dir = output / f"policy_brief_{SIZE}_{BEHAVIOR}"

# %% [markdown]
# ## Running the comparison
#
# The next cell runs the sweep (one Hydra multirun through `python -m sim.run`, resumable: rerunning skips
# finished runs) and reads its outputs back (`analysis.load`, through `sim.results.outputs`). At full size it takes a
# few minutes on two cores.

# %% tags=["remove_output"]
command = [
    sys.executable,
    "-m",
    "sim.run",
    "-m",
    f"policy={','.join(SCENARIOS)}",
    f"seed=range(0,{size['seeds']})",
    f"population.n_people={size['people']}",
    f"weeks={size['weeks']}",
    f"behavior={BEHAVIOR}",
    "paired=true",
    "progress=false",
    f"hydra/launcher={size['launcher']}",
    f"hydra.sweep.dir={sweep_dir}",
]
subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
sweep = load_sweep(sweep_dir, strict=True)
runs, table = sweep.runs, sweep.table
n_seeds = runs["p.seed"].nunique()
n_people = int(runs["population.n_people"].iloc[0])
weeks = int(runs["weeks"].iloc[0])
last_week = weeks - 1
injunction_week = int(runs.loc[runs["policy"] == COURT, "policy.injunction_week"].iloc[0])
start_week = int(runs["policy.start_week"].iloc[0])

# %% [markdown]
# ## Two kinds of interval
#
# Every headline number is the mean over seeds, shown with **two** intervals that answer different questions
# (`analysis.stats.mean_intervals`, the rule of the figures and of `experiments.compare`):
#
# - the **95% confidence interval of the mean** (a t-interval over seeds): how precisely these runs pin down the
#   model's average effect. It narrows as seeds are added.
# - the **90% predictive interval** (the 5th to 95th percentile of the per-seed outcomes): where one run's outcome
#   falls. It does not narrow with more seeds, and is the better guide to how different one realised outcome
#   could be. With few seeds the percentiles cannot reach beyond the runs.
#
# Each seed draws its own parameters from the posterior and its own announcement transfer, so the predictive
# interval carries parameter and transfer uncertainty as well as chance; with `BEHAVIOR = "default"` it would
# carry chance only.


# %%
def spread(values: pd.Series) -> pd.Series:
    """Mean over runs, the 95% CI of that mean (ci_lo, ci_hi) and the 90% predictive interval (pi_lo, pi_hi), n."""
    v = pd.to_numeric(values, errors="coerce").dropna().astype(float)
    return mean_intervals(pd.DataFrame({"value": v}), [], "value").iloc[0]


def metric(policy: str, column: str) -> pd.Series:
    return spread(runs.loc[runs["policy"] == policy, f"m.{column}"])


def num(x: float, digits: int = 2) -> str:
    """A number as text, without a minus sign on a value that rounds to zero."""
    text = f"{x:,.{digits}f}"
    return text.lstrip("-") if float(text.replace(",", "")) == 0 else text


HEADLINE = {
    "uptake_loss_final_pp": ("Uptake loss at the last week (percentage points)", 2),
    "uptake_loss_mean_pp": ("Uptake loss, mean over weeks (percentage points)", 2),
    "extra_forgone_usd_per_1000_eligible": ("Extra benefits forgone per 1,000 eligible (USD)", 0),
    "citizen_children_lost_benefit": ("US-born citizen children in mixed-status families losing the benefit", 1),
    "benefit_visits_deterred": ("Benefit visits deterred (people represented)", 0),
    "encounters": ("Encounters at the agency (people represented)", 1),
    "arrests": ("Community arrests (people represented)", 1),
}
rows = []
for column, (label, digits) in HEADLINE.items():
    for policy in SCENARIOS:
        s = metric(policy, column)
        rows.append(
            {
                "metric": label,
                "regime": regime_label(policy),
                "mean": num(s["mean"], digits) if s["n"] else "n/a",
                "95% CI of the mean": f"{num(s['ci_lo'], digits)} to {num(s['ci_hi'], digits)}"
                if s["n"] > 1
                else "n/a",
                "90% predictive interval": f"{num(s['pi_lo'], digits)} to {num(s['pi_hi'], digits)}"
                if s["n"] > 1
                else "n/a",
            }
        )
headline = pd.DataFrame(rows).set_index(["metric", "regime"])
display(Markdown(f"Losses and extra dollars are against each run's own firewall twin; {n_seeds} seeds per regime."))
display(headline)

# %% [markdown]
# ## Who loses: groups of eligible people
#
# Losses by group are computed from the runs' weekly tables: uptake (the weighted share of eligible people
# receiving) in the firewall arm minus in the directive's, at the last week, seed by seed. A group with fewer than
# `sim.results.outcomes.MIN_AGENTS` eligible agents in any run is **flagged and not read as a finding**: its figure is
# noise.

# %%
TYPE_NAMES = {
    "us_born": "US-born households",
    "all_citizen_immigrant": "Naturalized-citizen households",
    "green_card_citizen": "Green-card households",
    "mixed_status": "Mixed-status households",
    "visa_holder": "Visa-holder households",
}
assert set(TYPE_NAMES) == set(HOUSEHOLD_TYPES)
ALL, MIXED_CITIZENS, IMMIGRANT = "All eligible people", "Citizens in mixed-status families", "Immigrant families"
SEGMENTS = {
    ALL: lambda df: pd.Series(True, index=df.index),
    **{name: (lambda df, t=t: df["household_type"] == t) for t, name in TYPE_NAMES.items()},
    MIXED_CITIZENS: lambda df: (df["household_type"] == "mixed_status") & df["status"].isin(CITIZEN_STATUSES),
    IMMIGRANT: lambda df: df["household_type"] != "us_born",
}


def segment_loss(rows: pd.DataFrame, segment: str, keys: list[str]) -> pd.DataFrame:
    """Per `keys` (with run): uptake loss in points, firewall minus scenario, and the scenario's eligible agents."""
    part = rows[SEGMENTS[segment](rows)]
    sums = part.groupby([*keys, "arm"])[["receiving", "eligible", "eligible_agents"]].sum().unstack("arm")
    uptake = sums["receiving"] / sums["eligible"].where(sums["eligible"] > 0)
    return pd.DataFrame(
        {"loss": 100 * (uptake[BASELINE_ARM] - uptake[SCENARIO]), "eligible_agents": sums["eligible_agents"][SCENARIO]}
    ).reset_index()


final = table[table["week"] == last_week]
groups = []
for segment in SEGMENTS:
    for policy in SCENARIOS:
        per_run = segment_loss(final[final["policy"] == policy], segment, ["run"])
        few = per_run["eligible_agents"].min() < MIN_AGENTS if len(per_run) else True
        groups.append(
            {
                "segment": segment,
                "policy": policy,
                **spread(per_run["loss"]),
                "eligible agents (fewest in a run)": int(per_run["eligible_agents"].min()) if len(per_run) else 0,
                "flag": f"fewer than {MIN_AGENTS} eligible agents: not a finding" if few else "",
            }
        )
by_group = pd.DataFrame(groups)
shown = by_group[by_group["policy"] == DIRECTIVE].set_index("segment")
shown[["mean", "ci_lo", "ci_hi", "pi_lo", "pi_hi"]].round(2).join(shown[["eligible agents (fewest in a run)", "flag"]])

# %% [markdown]
# ## What the model finds


# %%
USD = r"\$"  # a bare $ would start a formula in Markdown


def amount(x: float, digits: int, unit: str) -> str:
    """A number with its unit after the sign: -$5, not $-5."""
    text = num(x, digits)
    return f"-{unit}{text[1:]}" if text.startswith("-") else f"{unit}{text}"


def intervals(m: pd.Series, digits: int = 2, unit: str = "") -> str:
    """Both intervals of a headline, as words."""
    if m["n"] < 2:
        return "a single run, so no interval"
    return (
        f"95% confidence interval of the mean {amount(m['ci_lo'], digits, unit)} to "
        f"{amount(m['ci_hi'], digits, unit)}; 90% predictive interval (where one run falls) "
        f"{amount(m['pi_lo'], digits, unit)} to {amount(m['pi_hi'], digits, unit)}"
    )


def direction(m: pd.Series) -> str:
    """Whether the interval of the mean excludes zero."""
    if m["n"] < 2:
        return "one run cannot settle the sign"
    if m["ci_lo"] > 0:
        return "the interval of the mean lies above zero"
    if m["ci_hi"] < 0:
        return "the interval of the mean lies below zero"
    return "the interval of the mean includes zero, so these runs do not settle the sign"


loss_all = metric(DIRECTIVE, "uptake_loss_final_pp")
loss_inj = metric(COURT, "uptake_loss_final_pp")
dollars = metric(DIRECTIVE, "extra_forgone_usd_per_1000_eligible")
children = metric(DIRECTIVE, "citizen_children_lost_benefit")
encounters = metric(DIRECTIVE, "encounters")
arrests = metric(DIRECTIVE, "arrests")
deterred = metric(DIRECTIVE, "benefit_visits_deterred")
chilling = metric(DIRECTIVE, "chilling_ratio")
half_life = metric(COURT, "recovery_half_life_weeks")
recovered = runs.loc[runs["policy"] == COURT, "m.recovered"]

readable = shown[(shown["flag"] == "") & (shown.index != ALL)]
types_readable = readable[readable.index.isin(TYPE_NAMES.values())]
flagged = sorted(shown.index[shown["flag"] != ""])
flag_text = (
    f" Too few eligible agents to read anything into (flagged): {', '.join(s.lower() for s in flagged)}."
    if flagged
    else ""
)
if shown.loc[ALL, "flag"]:
    uptake_text = (
        f"The population of these runs has fewer than {MIN_AGENTS} eligible agents in a run, so no uptake loss is "
        "reported as a finding."
    )
else:
    uptake_text = (
        f"By week {weeks}, the share of eligible people receiving their benefits is "
        f"**{num(abs(loss_all['mean']))} percentage points {'lower' if loss_all['mean'] >= 0 else 'higher'}** under "
        f"the directive than under the firewall ({intervals(loss_all)}; {direction(loss_all)})."
    )
    if len(types_readable) >= 2:
        worst, least = types_readable["mean"].idxmax(), types_readable["mean"].idxmin()
        uptake_text += (
            f" Among household types with enough agents, the largest mean loss is in *{worst.lower()}* "
            f"({num(types_readable.loc[worst, 'mean'])} points; {intervals(types_readable.loc[worst])}), the "
            f"smallest in *{least.lower()}* ({num(types_readable.loc[least, 'mean'])} points)."
        )
uptake_text += flag_text

if shown.loc[MIXED_CITIZENS, "flag"]:
    mixed_text = (
        f"Citizens in mixed-status families are too few in these runs (fewest eligible agents in a run: "
        f"{shown.loc[MIXED_CITIZENS, 'eligible agents (fewest in a run)']}, below {MIN_AGENTS}) to report their loss."
    )
else:
    mixed = shown.loc[MIXED_CITIZENS]
    mixed_text = (
        f"Citizens in mixed-status families lose **{num(mixed['mean'])} points** of uptake ({intervals(mixed)}). "
        "They face no enforcement themselves; the household's decision maker, who attends for them, weighs what an "
        "encounter would cost the household."
    )
children_text = (
    f"In a population of {n_people:,} people, the directive leaves on average **{num(children['mean'], 1)}** more "
    f"US-born citizen children in mixed-status families without their benefit at the end ({intervals(children, 1)})."
)
dollars_text = (
    f"Eligible people forgo an extra **{amount(dollars['mean'], 0, USD)}** per 1,000 eligible people over the "
    f"{weeks} weeks ({intervals(dollars, 0, USD)})."
)
if chilling["n"] and deterred["mean"] > 0:
    chill_text = (
        f"The directive leads to {num(encounters['mean'], 1)} encounters at the agency per run (people represented) "
        f"and deters {num(deterred['mean'], 0)} benefit visits. In the {chilling['n']:.0f} of {n_seeds} runs with "
        f"an encounter, **{num(chilling['mean'], 1)}** benefit visits are deterred per encounter "
        f"({intervals(chilling, 1)})"
        + (
            ": most of the harm comes from fear, not from encounters."
            if chilling["n"] > 1 and chilling["ci_lo"] > 1
            else "; these runs do not show that fear outweighs encounters."
        )
    )
else:
    chill_text = (
        f"The directive leads to {num(encounters['mean'], 1)} encounters at the agency per run (people represented) "
        f"and a mean of {num(deterred['mean'], 0)} benefit visits deterred; "
        + (
            "with no encounter in any run, the chilling ratio (visits deterred per encounter) is not defined here."
            if not chilling["n"]
            else "no visits are deterred on average, so there is no chilling effect to report."
        )
    )
arrests_by_arm = table[table["policy"] == DIRECTIVE].groupby(["arm", "run"])["arrests"].sum().groupby("arm").mean()
chill_text += (
    f" Community arrests average {num(arrests['mean'], 1)} per run ({num(arrests_by_arm[BASELINE_ARM], 1)} in the "
    "firewall twins)."
)

change = loss_all["mean"] - loss_inj["mean"]
court_text = (
    f"With a court blocking the sharing at week {injunction_week}, the loss at week {weeks} is "
    f"{num(loss_inj['mean'])} points ({intervals(loss_inj)}), against {num(loss_all['mean'])} without it"
)
if loss_all["mean"] > 0 and change > 0:
    court_text += f": the injunction removes {100 * change / loss_all['mean']:.0f}% of the mean loss by then."
else:
    court_text += ": in these runs the injunction has not reduced the mean loss by the last week."
n_recovered = int((recovered == True).sum())  # noqa: E712 (null where no loss peaked after the court)
n_defined = int(recovered.notna().sum())
if n_defined:
    court_text += (
        f" Measured from the peak loss after the court's order, the loss halved within the horizon in "
        f"{n_recovered} of {n_defined} runs"
        + (
            f", after {num(half_life['mean'], 0)} weeks on average ({intervals(half_life, 0)})."
            if half_life["n"]
            else "."
        )
        + " Runs where it did not are counted, not dropped: conviction outlasts the news."
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
# Uptake over time under each regime and its firewall twin (line: mean over seeds; dark band: 95% confidence
# interval of the mean; light band: 90% predictive interval, the 5th to 95th percentile of the runs).

# %%
colors = regime_colors([*SCENARIOS, BASELINE])


def weekly_uptake(rows: pd.DataFrame) -> pd.DataFrame:
    sums = rows.groupby(["run", "week"])[["receiving", "eligible"]].sum()
    return (sums["receiving"] / sums["eligible"].where(sums["eligible"] > 0)).rename("uptake").reset_index()


def band(ax, per_run: pd.DataFrame, value: str, color: str, label: str, scale: float = 100.0) -> None:
    s = per_run.groupby("week")[value].apply(spread).unstack()
    ax.plot(s.index, scale * s["mean"], color=color, label=label)
    ax.fill_between(s.index, scale * s["ci_lo"], scale * s["ci_hi"], color=color, alpha=0.3, lw=0)
    ax.fill_between(s.index, scale * s["pi_lo"], scale * s["pi_hi"], color=color, alpha=0.1, lw=0)


fig, (ax,) = new_figure(1, width=7.0, height=3.8)
band(ax, weekly_uptake(table[(table["policy"] == DIRECTIVE) & (table["arm"] == BASELINE_ARM)]), "uptake",
     colors[BASELINE], regime_label(BASELINE))  # fmt: skip
for policy in SCENARIOS:
    rows_ = table[(table["policy"] == policy) & (table["arm"] == SCENARIO)]
    band(ax, weekly_uptake(rows_), "uptake", colors[policy], regime_label(policy))
ax.axvline(start_week, color="grey", ls=":", lw=0.8)
ax.axvline(injunction_week, color="grey", ls="--", lw=0.8)
ax.set(xlabel="Week", ylabel="Uptake (%)", title="Share of eligible people receiving their benefit")
ax.legend(fontsize=8)
fig

# %% [markdown]
# Who loses benefits by the last week (bars: mean loss against the paired firewall run; thick whiskers: 95%
# confidence interval of the mean; thin grey whiskers: 90% predictive interval; dots: each seed). Hatched, grey
# bars are flagged groups: too few eligible agents to mean anything.

# %%
plot = by_group[by_group["policy"] == DIRECTIVE].set_index("segment")
fig, (ax,) = new_figure(1, width=7.0, height=4.2)
y = np.arange(len(plot))
few = (plot["flag"] != "").to_numpy()
ax.barh(y, plot["mean"], color=np.where(few, "#cccccc", colors[DIRECTIVE]), hatch=None)
for i in np.flatnonzero(few):
    ax.barh(y[i], plot["mean"].iloc[i], color="#cccccc", hatch="//", edgecolor="#888888")
ax.errorbar(plot["mean"], y, xerr=[plot["mean"] - plot["pi_lo"], plot["pi_hi"] - plot["mean"]], fmt="none",
            color="0.55", lw=0.9, capsize=2, label="90% predictive interval")  # fmt: skip
ax.errorbar(plot["mean"], y, xerr=[plot["mean"] - plot["ci_lo"], plot["ci_hi"] - plot["mean"]], fmt="none",
            color="k", lw=2.2, label="95% CI of the mean")  # fmt: skip
for i, segment in enumerate(plot.index):
    per_run = segment_loss(final[final["policy"] == DIRECTIVE], segment, ["run"])
    ax.scatter(per_run["loss"], np.full(len(per_run), i), s=10, color=PALETTE[7], zorder=3)
ax.set_yticks(y, [f"{s} (few agents)" if f else s for s, f in zip(plot.index, few, strict=True)])
ax.invert_yaxis()
ax.axvline(0, color="grey", lw=0.8)
ax.set(xlabel="Uptake loss vs firewall at the last week (pp)", title=f"{regime_label(DIRECTIVE)}: who loses")
ax.legend(fontsize=7, loc="lower right")
fig

# %% [markdown]
# ## Loss over time with and without a court order
#
# Immigrant families (every household type but US-born): loss against the paired firewall run (line: mean; dark
# band: 95% confidence interval of the mean; light band: 90% predictive interval).

# %%
fig, (ax,) = new_figure(1, width=7.0, height=3.8)
for policy in SCENARIOS:
    weekly = segment_loss(table[table["policy"] == policy], IMMIGRANT, ["run", "week"])
    band(ax, weekly, "loss", colors[policy], regime_label(policy), scale=1.0)
ax.axvline(start_week, color="grey", ls=":", lw=0.8)
ax.axvline(injunction_week, color="grey", ls="--", lw=0.8)
ax.axhline(0, color="grey", lw=0.5)
ax.set(xlabel="Week", ylabel="Uptake loss vs firewall (pp)", title="Immigrant families: loss against the firewall")
ax.legend(fontsize=8)
fig

# %% [markdown]
# ## What would undo it, and when it does the most harm
#
# Two experiments of `make figures` answer this on the calibrated model; this section reads their tables from
# `figures/` (`python -m experiments.mitigation`, `python -m experiments.discovery`). The mitigations run under
# the directive on paired seeds, each against the directive without mitigation on the same seed; scenario
# discovery samples the posterior, the assumptions it does not pin down and the levers, and PRIM finds the
# boxes of inputs under which the directive's loss is highest.

# %%
figures_dir = ROOT / "figures"
mitigation_csv, boxes_csv = figures_dir / "mitigation.csv", figures_dir / "discovery_boxes.csv"
if mitigation_csv.exists():
    mitigation = pd.read_csv(mitigation_csv)
    main = mitigation[mitigation["metric"] == "people_recovered_final_per_100k_eligible"]
    shown = main.sort_values("mean", ascending=False)[["label", "mean", "ci_lo", "ci_hi", "pi_lo", "pi_hi", "n"]]
    display(
        Markdown(
            "**People kept on benefits per 100,000 eligible, final week** (mean; 95% CI of the mean; "
            "90% predictive interval; seeds):"
        )
    )
    display(shown.round(1).set_index("label"))
    first = mitigation.iloc[0]
    display(
        Markdown(
            f"{first['seeds']} seeds x {first['people']:,} people, {first['weeks']} weeks; {first['interval']}. "
            "The first row is the directive's whole loss against the firewall on the same seeds; remote service "
            "can recover more, as it also helps people who would miss an in-person visit without the directive."
        )
    )
    display(Image(filename=str(figures_dir / "mitigation_main.png")))
else:
    display(Markdown("No `figures/mitigation.csv`: run `python -m experiments.mitigation`."))
if boxes_csv.exists():
    boxes = pd.read_csv(boxes_csv)
    display(
        Markdown(
            "**PRIM boxes**: the inputs each box restricts (quasi-p under 0.05: `significant`), with the box's "
            "coverage (share of all high-loss runs inside it) and density (share of the runs inside it that are "
            "high-loss):"
        )
    )
    columns = ["box", "parameter", "kind", "lower", "upper", "significant", "coverage", "density", "mass"]
    display(boxes[columns].round(3).set_index(["box", "parameter"]))
    display(Image(filename=str(figures_dir / "discovery_box.png")))
else:
    display(Markdown("No `figures/discovery_boxes.csv`: run `python -m experiments.discovery`."))

# %% [markdown]
# ## What this model is, and is not

# %%
fitted = pd.read_csv(ROOT / "data" / "posterior" / "posterior_summary.csv")
near_prior = fitted.loc[fitted["identified"] == "near prior", "parameter"].str.removeprefix("behavior.").tolist()
display(
    Markdown(f"""
This is an agent-based simulation of a synthetic population of {n_people:,} people over {weeks} weeks, run
{n_seeds} times per regime ({len(runs)} paired runs in all). Population shares, benefit amounts and enforcement
parameters are **illustrative assumptions**, documented with their sources and ranges in `docs/ODD.md`; they are
not census counts. The behavioural parameters (how strongly news, events and safe visits move the belief that the
agency tells ICE, how trust falls and recovers) are drawn per seed from the **posterior fitted to the Urban
Institute's survey figures on the 2018 public-charge rule** (`docs/ODD.md`, section 11), with the announcement
transfer to this directive drawn from an assumed range. The survey figures leave {len(near_prior)} of the
{len(fitted)} fitted parameters near their priors ({", ".join(near_prior) or "none"}), so the predictive
intervals above carry that uncertainty too. The numbers show the size and
direction of effects the mechanism produces under these assumptions and which groups it reaches; they are not
forecasts of national totals. Counts
are weighted (people represented). Sweep:
`{sweep_dir.relative_to(ROOT) if sweep_dir.is_relative_to(ROOT) else sweep_dir}`.
""")
)
