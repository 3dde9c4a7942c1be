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
# # Inside the model: households, fear and missed appointments
#
# With `engine=agents` every person is a Mesa agent (`sim.agents.Beneficiary`) whose attributes are live views of
# the model's state: `status`, `household_type`, `receiving`, `pending_need`, and, for the household's decision
# maker (who attends for everyone), the perceived `risk` that a visit leads to an enforcement encounter and `trust`
# in the agency. This notebook runs a small population week by week under the directive and follows a few
# households through Mesa's `AgentSet` (`select`, `groupby`, `agg`, `get`).
#
# Set `UPTAKE_NOTEBOOK_SIZE=small` for a quick check.

# %% tags=["parameters"]
import os

SIZE = os.environ.get("UPTAKE_NOTEBOOK_SIZE", "full")
SIZES = {"full": {"people": 3_000, "weeks": 104}, "small": {"people": 800, "weeks": 30}}
size = SIZES[SIZE]
SEED = 1

# %%
# %matplotlib inline
import numpy as np
import pandas as pd
from IPython.display import Markdown

from analysis.style import PALETTE, new_figure
from sim.agents import Beneficiary
from sim.config import default_config
from sim.model import UptakeModel
from sim.paths import default_regime
from sim.state import OUTCOME_ATTENDED, OUTCOME_MISSED, OUTCOME_REMOTE

# %% [markdown]
# ## A small population as Mesa agents
#
# ICE's presence is set higher than the default so that a population this small sees some encounters.

# %%
cfg = default_config(
    default_regime(),  # the directive, the regime conf/config.yaml runs by default
    engine="agents",
    seed=SEED,
    progress=False,
    weeks=size["weeks"],
    **{"population.n_people": size["people"], "enforcement.base_presence": 0.8},
)
model = UptakeModel(cfg)
people = model.agents_by_type[Beneficiary]
deciders = model.deciders  # one per household: the adult who attends
pd.Series(people.groupby("household_type").count(), name="people").to_frame().join(
    pd.Series(deciders.groupby("household_type").count(), name="households")
)

# %% [markdown]
# Before the directive, every decision maker starts from the same prior perceived risk; trust is drawn per
# household.

# %%
start = pd.DataFrame(
    {
        "mean perceived risk": deciders.groupby("status").agg("risk", np.mean),
        "mean trust": deciders.groupby("status").agg("trust", np.mean),
    }
)
start.round(3)

# %% [markdown]
# ## Run week by week, recording every household's state
#
# `AgentSet.get` reads attributes of all agents at once; after each week we keep the deciders' risk and trust and
# each person's appointment outcome.

# %%
OUTCOMES = {OUTCOME_ATTENDED: "attended", OUTCOME_MISSED: "missed", OUTCOME_REMOTE: "remote"}
household_weeks, visits = [], []
for week in range(cfg.weeks):
    model.step()
    state = deciders.get(["hh", "household_type", "status", "risk", "trust"])
    household_weeks.append(
        pd.DataFrame(state, columns=["hh", "household_type", "status", "risk", "trust"]).assign(week=week)
    )
    outcome = model.people.outcome
    due = people.select(lambda a, o=outcome: o[a.row] in OUTCOMES)  # people with an appointment this week
    for a in due:
        visits.append(
            {"week": week, "hh": a.hh, "row": a.row, "status": a.status, "outcome": OUTCOMES[int(outcome[a.row])]}
        )
        visits[-1]["encounter"] = bool(model.people.encounter[a.row])
households = pd.concat(household_weeks, ignore_index=True)
visits = pd.DataFrame(visits, columns=["week", "hh", "row", "status", "outcome", "encounter"])
visits.groupby("outcome").size().rename("appointments")

# %% [markdown]
# ## Fear by household type
#
# News of the directive reaches households of every type, and encounters among ties spread fear further. But fear
# only keeps people away where an encounter would cost something: the loss a decision maker expects from an
# encounter is zero for citizens without noncitizen household members or close ties, and largest for undocumented
# parents (`behavior.loss`, docs/ODD.md section 7.6).

# %%
fig, (ax,) = new_figure(1, width=7.0, height=3.8)
by_type = households.groupby(["household_type", "week"])["risk"].mean().unstack("household_type")
for color, column in zip(PALETTE, by_type.columns, strict=False):
    ax.plot(by_type.index, 100 * by_type[column], color=color, label=column)
ax.axvline(cfg.policy.start_week, color="grey", ls=":", lw=0.8)
ax.set(xlabel="Week", ylabel="Mean perceived risk (%)", title="Perceived risk of a visit, by household type")
ax.legend(fontsize=8)
fig

# %% [markdown]
# ## One mixed-status household
#
# `select` picks the mixed-status deciders; among them we follow the household that missed the most appointments
# (or, if none missed any, the one with the most appointments).

# %%
mixed = deciders.select(lambda a: a.household_type == "mixed_status")
mixed_hh = {a.hh for a in mixed}
ranked = (
    visits[visits["hh"].isin(mixed_hh)]
    .assign(missed=lambda v: v["outcome"] == "missed")
    .groupby("hh")
    .agg(missed=("missed", "sum"), appointments=("week", "size"))
    .sort_values(["missed", "appointments"], ascending=False)
)
chosen = int(ranked.index[0]) if len(ranked) else int(next(iter(mixed)).hh)
decider = next(a for a in mixed if a.hh == chosen)
members = people.select(lambda a: a.hh == chosen)
pd.DataFrame(
    members.get(["row", "status", "program", "receiving", "pending_need"]),
    columns=["person", "status", "program", "receiving", "pending need"],
)

# %%
track = households[households["hh"] == chosen].set_index("week")
own = visits[visits["hh"] == chosen]
nb_enc = visits[visits["hh"].isin(decider.neighbours) & visits["encounter"]]
fig, (ax,) = new_figure(1, width=7.0, height=3.8)
ax.plot(track.index, 100 * track["risk"], color=PALETTE[0], label="this household's perceived risk")
ax.plot(by_type.index, 100 * by_type["mixed_status"], color=PALETTE[0], ls=":", label="mean, mixed-status households")
for outcome, marker, color in (("attended", "o", PALETTE[2]), ("missed", "x", PALETTE[1]), ("remote", "s", PALETTE[4])):
    weeks = own.loc[own["outcome"] == outcome, "week"]
    ax.scatter(
        weeks, 100 * track.loc[weeks, "risk"], marker=marker, color=color, zorder=3, label=f"appointment {outcome}"
    )
for week in nb_enc["week"].unique():
    ax.axvline(week, color=PALETTE[3], lw=0.8, alpha=0.6)
ax.axvline(cfg.policy.start_week, color="grey", ls=":", lw=0.8)
ax.set(
    xlabel="Week (pink lines: an encounter among its ties)", ylabel="Perceived risk (%)", title=f"Household {chosen}"
)
ax.legend(fontsize=7)
fig

# %%
counts = own["outcome"].value_counts()
peak_week = int(track["risk"].idxmax())
PROGRAM_NAMES = {"ssi": "SSI", "rsdi": "retirement, survivors or disability benefits", "child": "child benefits"}
child = [m for m in members if m.status == "citizen" and m.program != "none"]
child_text = (
    f"Its citizen member on {PROGRAM_NAMES[child[0].program]} is "
    f"{'still receiving' if child[0].receiving else 'no longer receiving'} the benefit at the end."
    if child
    else "No citizen member of this household draws a benefit."
)
Markdown(
    f"Household {chosen} (decider: {decider.status}) had {len(own)} appointments over {cfg.weeks} weeks: "
    f"{counts.get('attended', 0)} attended, {counts.get('missed', 0)} missed, {counts.get('remote', 0)} remote. "
    f"Its perceived risk went from {100 * track['risk'].iloc[0]:.1f}% to a peak of {100 * track['risk'].max():.1f}% "
    f"in week {peak_week} and ended at {100 * track['risk'].iloc[-1]:.1f}%; {len(nb_enc['week'].unique())} weeks "
    f"saw an encounter among its {len(decider.neighbours)} ties. {child_text}"
)

# %% [markdown]
# ## At the end: who stays away
#
# `groupby` then `agg` over the deciders, and the share of each group's appointments that were missed.

# %%
end = pd.DataFrame(
    {
        "mean perceived risk": deciders.groupby("household_type").agg("risk", np.mean),
        "mean trust": deciders.groupby("household_type").agg("trust", np.mean),
    }
)
types = households.drop_duplicates("hh").set_index("hh")["household_type"]
share = visits.assign(household_type=visits["hh"].map(types)).groupby("household_type")["outcome"]
end["appointments missed (%)"] = 100 * share.apply(lambda s: (s == "missed").mean())
end.round(3)

# %%
missed_pct = end["appointments missed (%)"].dropna()
risk = end["mean perceived risk"]
compare = {"mixed_status", "citizen_only"} <= set(missed_pct.index)
similar_fear = compare and abs(risk["mixed_status"] - risk["citizen_only"]) < 0.25 * risk["citizen_only"]
gap = compare and missed_pct["mixed_status"] - missed_pct["citizen_only"] > 10
Markdown(
    f"By the end, decision makers in mixed-status households hold a mean perceived risk of "
    f"{100 * risk['mixed_status']:.1f}%, against {100 * risk['citizen_only']:.1f}% in citizen-only households; "
    f"{missed_pct['mixed_status']:.0f}% of mixed-status households' appointments were missed, against "
    f"{missed_pct['citizen_only']:.0f}% of citizen-only households'. "
    + (
        "Similar fear, very different behaviour: what an encounter would cost decides who stays away."
        if similar_fear and gap
        else ""
    )
    if compare
    else "This small run has too few appointments in one of the household types compared here."
)
