"""The model's strongest check: both executors give the same run.

Same seed and config: identical decisions and counts every week, continuous
state equal within 1e-9. The agents executor runs each phase through Mesa
agents in a random order, so this also checks that no phase depends on the
order in which agents act.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pandas as pd
import pytest

from sim.model.engine.week import WEEK, UptakeModel
from sim.results.outcomes import COUNT_COLUMNS, FLOAT_COLUMNS, timeseries_frame
from tests.conftest import small_config

CASES = [
    ("appointment_disclosure", {}),
    ("injunction", {"policy.injunction_week": 20, "policy.outreach_week": 25}),
    ("routine_sharing", {"policy.clinic_disclosure_prob": 0.3, "enforcement.base_presence": 0.8}),
    ("gc_discretionary", {"network": "random"}),
    ("formal_agreements", {"network": "none"}),
    ("firewall", {"policy.remote_share.interpreter": 0.5}),
]


def _run(policy: str, engine: str, overrides: dict) -> UptakeModel:
    cfg = small_config(policy, n_people=2500, weeks=40, engine=engine, seed=11, **overrides)
    model = UptakeModel(cfg)
    model.run()
    return model


def _assert_same_state(vec, agt) -> None:
    for part in ("people", "households", "offices"):
        a, b = getattr(vec.world, part), getattr(agt.world, part)
        for f in fields(a):
            x, y = getattr(a, f.name), getattr(b, f.name)
            if x.dtype.kind == "f":
                np.testing.assert_allclose(x, y, rtol=0, atol=1e-9, err_msg=f"{part}.{f.name}")
            else:
                np.testing.assert_array_equal(x, y, err_msg=f"{part}.{f.name}")


@pytest.mark.parametrize(("policy", "overrides"), CASES, ids=[c[0] for c in CASES])
def test_engines_agree(policy: str, overrides: dict) -> None:
    vec = _run(policy, "vectorized", overrides)
    agt = _run(policy, "agents", overrides)
    a, b = timeseries_frame(vec), timeseries_frame(agt)
    pd.testing.assert_frame_equal(a[["week", "group", *COUNT_COLUMNS]], b[["week", "group", *COUNT_COLUMNS]])
    for col in FLOAT_COLUMNS:
        np.testing.assert_allclose(a[col], b[col], rtol=0, atol=1e-9, err_msg=col)
    _assert_same_state(vec, agt)
    assert a["attended"].sum() > 0 and a["missed"].sum() > 0


def test_engines_agree_after_every_phase() -> None:
    """Week by week and phase by phase, not only at the end: a drift in one phase cannot hide behind a later one."""
    overrides = {"policy.start_week": 2, "policy.injunction_week": 6, "policy.outreach_week": 8}
    vec, agt = (
        UptakeModel(small_config("injunction", n_people=1500, weeks=12, engine=e, seed=5, **overrides))
        for e in ("vectorized", "agents")
    )
    for _ in range(12):
        for phase in WEEK:
            vec.executor.run(vec.world, phase)
            agt.executor.run(agt.world, phase)
            _assert_same_state(vec, agt)
        vec.world.week += 1
        agt.world.week += 1


def test_agent_engine_has_one_agent_per_person_household_and_office() -> None:
    from sim.model.engine.agents import Beneficiary, FieldOffice, Household

    model = UptakeModel(small_config(n_people=800, weeks=10, engine="agents"))
    assert len(model.agents_by_type[Beneficiary]) == model.pop.n_people
    assert len(model.agents_by_type[Household]) == model.pop.n_households
    assert len(model.agents_by_type[FieldOffice]) == len(model.world.offices.disclosure)
