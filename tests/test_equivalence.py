"""The model's strongest check: both executors give the same run.

Same seed and config: identical decisions and counts every week, continuous
state equal within 1e-9.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.model import UptakeModel
from sim.outcomes import COUNT_COLUMNS, FLOAT_COLUMNS, timeseries_frame
from tests.conftest import small_config

CASES = [
    ("appointment_disclosure", {}),
    ("injunction", {"policy.injunction_week": 20, "policy.outreach_week": 25}),
    ("routine_sharing", {"policy.clinic_disclosure_prob": 0.3, "enforcement.base_presence": 0.8}),
    ("gc_discretionary", {"network": "random"}),
    ("firewall", {"policy.remote_share.interpreter": 0.5}),
]


def _run(policy: str, engine: str, overrides: dict) -> UptakeModel:
    cfg = small_config(policy, n_people=2500, weeks=40, engine=engine, seed=11, **overrides)
    model = UptakeModel(cfg)
    model.run()
    return model


@pytest.mark.parametrize(("policy", "overrides"), CASES, ids=[c[0] for c in CASES])
def test_engines_agree(policy: str, overrides: dict) -> None:
    vec = _run(policy, "vectorized", overrides)
    agt = _run(policy, "agents", overrides)
    a, b = timeseries_frame(vec), timeseries_frame(agt)
    pd.testing.assert_frame_equal(a[["week", "group", *COUNT_COLUMNS]], b[["week", "group", *COUNT_COLUMNS]])
    for col in FLOAT_COLUMNS:
        np.testing.assert_allclose(a[col], b[col], rtol=0, atol=1e-9, err_msg=col)
    for name in ("receiving", "pending", "due", "misses", "suspended"):
        np.testing.assert_array_equal(getattr(vec.people, name), getattr(agt.people, name), err_msg=name)
    for name in ("alpha", "beta", "trust"):
        np.testing.assert_allclose(
            getattr(vec.households, name), getattr(agt.households, name), rtol=0, atol=1e-9, err_msg=name
        )
    assert a["attended"].sum() > 0 and a["missed"].sum() > 0


def test_agent_engine_has_one_agent_per_person() -> None:
    from sim.agents import Beneficiary, FieldOffice

    cfg = small_config(n_people=800, weeks=10, engine="agents")
    model = UptakeModel(cfg)
    assert len(model.agents_by_type[Beneficiary]) == model.pop.n_people
    assert len(model.agents_by_type[FieldOffice]) == len(model.schedule.compliance)
    assert len(model.deciders) == model.pop.n_households
