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
# With `engine=agents` every person is a Mesa agent (`sim.model.engine.agents.Beneficiary`: `status`, `program`,
# `receiving`, `pending_need`, `household`) and every household has one for its decision maker
# (`sim.model.engine.agents.Household`), who attends every in-person appointment and holds the household's beliefs:
# `perceived_disclosure` (delta_hat, how likely the decider thinks the agency tells ICE about a visit when asked),
# `perceived_activity` (E_hat, ICE activity nearby) and `trust` in the agency. Agents are views onto the model's arrays.
# This notebook runs a small population week by week under the directive and follows households through Mesa's
# `AgentSet` (`select`, `groupby`, `agg`, `get`).
#
# Behaviour is one draw of the calibrated posterior (`behavior=posterior`, the seed's). Means are weighted by the people
# each household represents. A household type with fewer than `sim.results.outcomes.MIN_AGENTS` eligible agents is
# flagged: its figures are noise. Set `UPTAKE_NOTEBOOK_SIZE=small` for a quick check.

# %% tags=["parameters"]
import os

SIZE = os.environ.get("UPTAKE_NOTEBOOK_SIZE", "full")
SIZES = {"full": {"people": 3_000, "weeks": 104}, "small": {"people": 1_000, "weeks": 30}}
size = SIZES[SIZE]
SEED = 1

# %%
# %matplotlib inline
import numpy as np
import pandas as pd
from IPython.display import Markdown

from analysis.style import PALETTE, new_figure
from sim.config import HOUSEHOLD_TYPES
from sim.config.compose import default_config
from sim.config.paths import default_regime
from sim.launch.simulate import build_model
from sim.model.data.state import OUTCOME_ATTENDED, OUTCOME_MISSED, OUTCOME_REMOTE
from sim.model.engine.agents import Beneficiary, Household
from sim.results.outcomes import MIN_AGENTS

# %% [markdown]
# ## A small population as Mesa agents
#
# ICE's presence is set higher than the default so that a population this small sees some events.

# %%
cfg = default_config(
    default_regime(),  # the directive, the regime conf/config.yaml runs by default
    engine="agents",
    seed=SEED,
    progress=False,
    weeks=size["weeks"],
    behavior="posterior",
    **{"population.n_people": size["people"], "enforcement.base_presence": 0.8},
)
model = build_model(cfg)  # as a run builds it: the same checks, and the posterior draw when behavior=posterior
people = model.agents_by_type[Beneficiary]
households = model.agents_by_type[Household]  # one per household: its decision maker
weight = model.pop.weight  # people each household represents
pd.Series(people.groupby(lambda a: HOUSEHOLD_TYPES[model.pop.hh_type[a.household]]).count(), name="people").to_frame(
).join(pd.Series(households.groupby("household_type").count(), name="households"))  # fmt: skip

# %% [markdown]
# Before the directive: the deciders' starting beliefs by their own status (delta_hat's prior is set by trust,
# which is drawn per household).


# %%
def weighted(frame: pd.DataFrame, by: str, columns: list[str]) -> pd.DataFrame:
    """Means of `columns` within `by`, weighted by the people each household represents."""
    w = frame["weight"]
    sums = frame[columns].mul(w, axis=0).groupby(frame[by]).sum()
    return sums.div(w.groupby(frame[by]).sum(), axis=0)


BELIEFS = ["perceived_disclosure", "perceived_activity", "trust"]
start = pd.DataFrame(households.get(["index", "status", *BELIEFS]), columns=["hh", "status", *BELIEFS])
weighted(start.assign(weight=weight[start["hh"]]), "status", BELIEFS).round(3)

# %% [markdown]
# ## Run week by week, recording every household's state
#
# `AgentSet.get` reads attributes of all agents at once; after each week we keep the deciders' beliefs and each
# person's appointment outcome.

# %%
OUTCOMES = {OUTCOME_ATTENDED: "attended", OUTCOME_MISSED: "missed", OUTCOME_REMOTE: "remote"}
COLUMNS = ["hh", "household_type", "status", *BELIEFS]
household_weeks, visits = [], []
for week in range(cfg.weeks):
    model.step()
    state = households.get(["index", "household_type", "status", *BELIEFS])
    household_weeks.append(pd.DataFrame(state, columns=COLUMNS).assign(week=week))
    outcome, encounter = model.people.outcome, model.people.encounter
    due = people.select(lambda a, o=outcome: o[a.index] in OUTCOMES)  # people with an appointment this week
    visits += [
        {
            "week": week,
            "hh": a.household,
            "person": a.index,
            "status": a.status,
            "outcome": OUTCOMES[int(outcome[a.index])],
            "encounter": bool(encounter[a.index]),
        }
        for a in due
    ]
history = pd.concat(household_weeks, ignore_index=True)
history["weight"] = weight[history["hh"].to_numpy()]
visits = pd.DataFrame(visits, columns=["week", "hh", "person", "status", "outcome", "encounter"])
visits.groupby("outcome").size().rename("appointments (agents)")

# %% [markdown]
# ## Beliefs by household type
#
# The directive's announcement and news of events move every household's belief that the agency tells ICE. But
# that belief only keeps people away where an encounter would cost something: the loss a decision maker expects
# is zero for a household with no noncitizen member or close noncitizen kin, and largest for undocumented members
# (`behavior.loss`, docs/ODD.md section 7.11).

# %%
eligible_agents = pd.Series(model.weekly["eligible_agents"]).groupby(np.array(model.groups.household_type)).sum()
small = sorted(t for t in HOUSEHOLD_TYPES if eligible_agents.get(t, 0) < MIN_AGENTS)
by_week = {
    b: history.groupby("week")
    .apply(lambda f, b=b: weighted(f, "household_type", [b])[b])
    .reindex(columns=HOUSEHOLD_TYPES)  # fmt: skip
    for b in BELIEFS
}
TITLES = {
    "perceived_disclosure": "Perceived disclosure (delta_hat)",
    "perceived_activity": "Perceived ICE activity (E_hat)",
    "trust": "Trust in the agency",
}
fig, axes = new_figure(3, width=3.6, height=3.4)
for ax, b in zip(axes, BELIEFS, strict=True):
    for color, t in zip(PALETTE, HOUSEHOLD_TYPES, strict=False):
        label = f"{t} (<{MIN_AGENTS} eligible agents)" if t in small else t
        ax.plot(by_week[b].index, by_week[b][t], color=color, ls=":" if t in small else "-", label=label)
    ax.axvline(cfg.policy.start_week, color="grey", ls=":", lw=0.8)
    ax.set(xlabel="Week", ylabel="weighted mean (0-1)", title=TITLES[b])
axes[0].legend(fontsize=7)
fig

# %% [markdown]
# ## One mixed-status household
#
# `select` picks the mixed-status deciders; among them we follow the household that missed the most appointments
# (or, if none missed any, the one with the most appointments).

# %%
mixed = households.select(lambda a: a.household_type == "mixed_status")
mixed_hh = {a.index for a in mixed}
ranked = (
    visits[visits["hh"].isin(mixed_hh)]
    .assign(missed=lambda v: v["outcome"] == "missed")
    .groupby("hh")
    .agg(missed=("missed", "sum"), appointments=("week", "size"))
    .sort_values(["missed", "appointments"], ascending=False)
)
chosen = int(ranked.index[0]) if len(ranked) else int(next(iter(mixed)).index)
decider = next(a for a in mixed if a.index == chosen)
members = people.select(lambda a: a.household == chosen)
ties = model.world.network.indices[model.world.network.indptr[chosen] : model.world.network.indptr[chosen + 1]]
pd.DataFrame(
    members.get(["index", "status", "program", "receiving", "pending_need"]),
    columns=["person", "status", "program", "receiving", "pending need"],
)

# %%
track = history[history["hh"] == chosen].set_index("week")
own = visits[visits["hh"] == chosen]
tie_events = visits[visits["hh"].isin(ties) & visits["encounter"]]
fig, (ax,) = new_figure(1, width=7.0, height=3.8)
ax.plot(track.index, track["perceived_disclosure"], color=PALETTE[0], label="this household's delta_hat")
ax.plot(track.index, track["trust"], color=PALETTE[2], label="this household's trust")
ax.plot(by_week["perceived_disclosure"].index, by_week["perceived_disclosure"]["mixed_status"], color=PALETTE[0],
        ls=":", label="weighted mean delta_hat, mixed-status households")  # fmt: skip
for outcome, marker, color in (("attended", "o", PALETTE[2]), ("missed", "x", PALETTE[1]), ("remote", "s", PALETTE[4])):
    weeks = own.loc[own["outcome"] == outcome, "week"]
    ax.scatter(weeks, track.loc[weeks, "perceived_disclosure"], marker=marker, color=color, zorder=3,
               label=f"appointment {outcome}")  # fmt: skip
for week in tie_events["week"].unique():
    ax.axvline(week, color=PALETTE[3], lw=0.8, alpha=0.6)
ax.axvline(cfg.policy.start_week, color="grey", ls=":", lw=0.8)
ax.set(xlabel="Week (pink lines: an encounter at the agency among its ties)", ylabel="0-1", title=f"Household {chosen}")
ax.legend(fontsize=7)
fig

# %%
counts = own["outcome"].value_counts()
peak_week = int(track["perceived_disclosure"].idxmax())
PROGRAM_NAMES = {"ssi": "SSI", "rsdi": "retirement, survivors or disability benefits", "child": "child benefits"}
citizens = [m for m in members if m.status == "citizen" and m.program != "none"]
child_text = (
    f"Its US-born citizen member on {PROGRAM_NAMES[citizens[0].program]} is "
    f"{'still receiving' if citizens[0].receiving else 'no longer receiving'} the benefit at the end."
    if citizens
    else "No US-born citizen member of this household draws a benefit."
)
Markdown(
    f"Household {chosen} (decider: {decider.status}) had {len(own)} appointments over {cfg.weeks} weeks: "
    f"{counts.get('attended', 0)} attended, {counts.get('missed', 0)} missed, {counts.get('remote', 0)} remote. "
    f"Its decider's perceived disclosure went from {track['perceived_disclosure'].iloc[0]:.3f} to a peak of "
    f"{track['perceived_disclosure'].max():.3f} in week {peak_week} and ended at "
    f"{track['perceived_disclosure'].iloc[-1]:.3f}; trust went from {track['trust'].iloc[0]:.3f} to "
    f"{track['trust'].iloc[-1]:.3f}. {len(tie_events['week'].unique())} weeks saw an encounter at the agency among "
    f"its {len(ties)} ties. {child_text} (One household of one run: an illustration, not a finding.)"
)

# %% [markdown]
# ## At the end: who stays away
#
# `groupby` then `agg` over the deciders (unweighted: agents), the share of each type's appointments that were
# missed (agents), and the eligible agents behind each type: types with fewer than `MIN_AGENTS` are flagged.

# %%
end = pd.DataFrame({f"mean {b} (agents)": households.groupby("household_type").agg(b, np.mean) for b in BELIEFS})
types = history.drop_duplicates("hh").set_index("hh")["household_type"]
share = visits.assign(household_type=visits["hh"].map(types)).groupby("household_type")["outcome"]
end["appointments"] = share.size()
end["appointments missed (%)"] = 100 * share.apply(lambda s: (s == "missed").mean())
end["eligible agents"] = eligible_agents.reindex(end.index).fillna(0).astype(int)
end["flag"] = np.where(end["eligible agents"] < MIN_AGENTS, f"fewer than {MIN_AGENTS}: noise", "")
end.round(3)

# %%
A, B = "mixed_status", "us_born"
readable = [t for t in (A, B) if t in end.index and not end.loc[t, "flag"] and end.loc[t, "appointments"] > 0]
if len(readable) == 2:
    delta, missed = end["mean perceived_disclosure (agents)"], end["appointments missed (%)"]
    similar_fear = abs(delta[A] - delta[B]) < 0.25 * delta[B]
    gap = missed[A] - missed[B] > 10
    text = (
        f"By the end, deciders in mixed-status households hold a mean perceived disclosure of {delta[A]:.3f}, "
        f"against {delta[B]:.3f} in US-born households; {missed[A]:.0f}% of mixed-status households' appointments "
        f"were missed, against {missed[B]:.0f}% of US-born households'. "
        + (
            "Similar beliefs, very different behaviour: what an encounter would cost decides who stays away."
            if similar_fear and gap
            else ""
        )
    )
else:
    text = (
        f"This run has too few eligible agents (fewer than {MIN_AGENTS}) or appointments in mixed-status or US-born "
        f"households to compare them (flagged: {', '.join(small) if small else 'none'}); run at full size."
    )
Markdown(text + " (One run of a small population: an illustration, not a finding.)")
