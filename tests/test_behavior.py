"""Properties of the pure kernels, on arrays and scalars alike."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim import behavior as bh

unit = st.floats(0, 1)
pos = st.floats(1e-3, 1e3)
nonneg = st.floats(0, 100)


@given(value=st.floats(-50, 50), hassle=nonneg, loss=nonneg, risk=unit, noise=st.floats(0.05, 10))
def test_attend_probability_is_a_probability_and_falls_with_fear(value, hassle, loss, risk, noise) -> None:
    p = bh.attend_probability(value, hassle, loss, risk, noise)
    assert 0.0 <= p <= 1.0
    assert bh.attend_probability(value, hassle, loss, min(1.0, risk + 0.1), noise) <= p
    assert bh.attend_probability(value, hassle, loss + 1.0, risk, noise) <= p


def test_scalar_and_array_kernels_agree() -> None:
    rng = np.random.default_rng(0)
    v, h, L, r = rng.random(100) * 10, rng.random(100), rng.random(100) * 30, rng.random(100)
    arr = bh.attend_probability(v, h, L, r, 1.3)
    scal = [bh.attend_probability(v[i], h[i], L[i], r[i], 1.3) for i in range(100)]
    np.testing.assert_array_equal(arr, np.array(scal))


@given(alpha=pos, beta=pos, target=unit, has=st.booleans(), eta=unit)
def test_rumour_keeps_total_and_moves_toward_neighbours(alpha, beta, target, has, eta) -> None:
    a, b = bh.spread_rumour(alpha, beta, target, has, eta)
    assert np.isclose(a + b, alpha + beta)
    before, after = alpha / (alpha + beta), a / (a + b)
    assert abs(after - target) <= abs(before - target) + 1e-12
    if not has:
        assert np.isclose(after, before)


@given(alpha=pos, beta=pos, a0=pos, b0=pos, m=unit)
def test_memory_moves_toward_prior(alpha, beta, a0, b0, m) -> None:
    a, b = bh.apply_memory(alpha, beta, a0, b0, m)
    assert abs(a - a0) <= abs(alpha - a0) + 1e-9 and abs(b - b0) <= abs(beta - b0) + 1e-9


@given(trust=unit, base=unit, news=unit, seen=st.floats(0, 50), rec=st.booleans(), ln=unit, le=unit, r=unit)
def test_trust_stays_in_unit_interval(trust, base, news, seen, rec, ln, le, r) -> None:
    t = bh.update_trust(trust, base, news, seen, rec, ln, le, r)
    assert 0.0 <= t <= 1.0
    if not rec:
        assert t <= trust + 1e-12


@given(alpha=pos, beta=pos, enc=st.integers(0, 5), news=unit, trust=unit)
def test_evidence_of_encounters_raises_risk(alpha, beta, enc, news, trust) -> None:
    a, b = bh.add_evidence(alpha, beta, enc, 0, news, 0, 0, 0, trust, 10, 1, 1, 1, 1, 1)
    assert bh.perceived_risk(a, b) >= bh.perceived_risk(alpha, beta) - 1e-12


@given(risk=unit, kappa=unit, disc=unit)
def test_clinic_risk_is_a_probability(risk, kappa, disc) -> None:
    assert 0.0 <= bh.clinic_risk(risk, kappa, disc) <= 1.0
