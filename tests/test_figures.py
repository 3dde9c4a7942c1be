"""Figure functions on hand-made tables: the numbers they plot (and save) are the table's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import figures
from analysis.stats import mean_ci
from analysis.style import save_figure

GROUPS = [
    ("citizen", "citizen_only", False),
    ("citizen", "mixed_status", False),
    ("undocumented", "mixed_status", False),
    ("lpr", "lawful_noncitizen", True),
]


def hand_table(params: dict[str, list], weeks: int = 4, seeds: int = 3) -> pd.DataFrame:
    """A synthetic sweep table: uptake falls with a run's index in a way we can compute by hand."""
    rows = []
    keys = list(params)
    combos = pd.MultiIndex.from_product([*params.values(), range(seeds)], names=[*keys, "seed"]).to_frame(index=False)
    for run, combo in combos.iterrows():
        for arm in ("scenario", "firewall"):
            for week in range(weeks):
                for g, (status, hh, interp) in enumerate(GROUPS):
                    eligible = 100
                    cut = 0 if arm == "firewall" or hh == "citizen_only" else (run % 5) + g + week
                    rows.append(
                        {
                            **combo.to_dict(),
                            "run": run,
                            "arm": arm,
                            "week": week,
                            "group": f"{status}.{hh}",
                            "status": status,
                            "household_type": hh,
                            "interpreter": interp,
                            "people": 200,
                            "eligible": eligible,
                            "receiving": eligible - cut,
                            "encounters": (run + week) % 3 if arm == "scenario" else 0,
                            "clinic_encounters": 0,
                            "clinic_visits": 50 - (cut if arm == "scenario" else 0),
                            "risk_mean": 0.01 * (1 + cut),
                        }
                    )
    table = pd.DataFrame(rows)
    table["policy.start_week"] = 0
    return table


def _roundtrip(fig, tmp_path: Path) -> pd.DataFrame:
    paths = save_figure(fig, tmp_path / "fig")
    assert all(p.exists() for p in paths)
    return pd.read_csv(paths[2])


def test_uptake_over_time_plots_table_uptake(tmp_path: Path) -> None:
    table = hand_table({"policy": ["firewall", "appointment_disclosure"]})
    fig = figures.uptake_over_time(table)
    data = _roundtrip(fig, tmp_path)
    s = table[(table["arm"] == "scenario") & (table["policy"] == "appointment_disclosure")]
    per_run = s.groupby(["run", "week"])[["receiving", "eligible"]].sum()
    expected = (per_run["receiving"] / per_run["eligible"]).groupby("week").mean()
    got = data[(data["segment"] == "All eligible people") & (data["policy"] == "appointment_disclosure")]
    np.testing.assert_allclose(got.sort_values("week")["mean"], expected.to_numpy(), rtol=1e-9)
    line = fig.axes[0].get_lines()[1]
    np.testing.assert_allclose(line.get_ydata(), 100 * expected.to_numpy(), rtol=1e-9)


def test_loss_by_group_is_paired_firewall_minus_scenario(tmp_path: Path) -> None:
    table = hand_table({"policy": ["appointment_disclosure"]})
    data = _roundtrip(figures.loss_by_group(table), tmp_path)
    last = table[(table["week"] == 3) & (table["status"] == "undocumented")]
    per_run = last.pivot_table(index="run", columns="arm", values="receiving") / 100
    loss = per_run["firewall"] - per_run["scenario"]
    row = data[data["segment"] == "Noncitizens in mixed-status families"].iloc[0]
    assert row["mean"] == pytest.approx(loss.mean())
    assert row["lo"] < row["mean"] < row["hi"]
    citizen_only = data[data["segment"] == "Citizen-only households"].iloc[0]
    assert citizen_only["mean"] == 0


def test_dose_response_heatmap_cells(tmp_path: Path) -> None:
    table = hand_table({"policy.rules.disclosure_prob": [0.0, 1.0], "enforcement.base_presence": [0.2, 0.8]})
    fig = figures.dose_response(table)
    data = _roundtrip(fig, tmp_path)
    loss = data[data["metric"] == "uptake_loss_pp"]
    assert len(loss) == 4 and (loss["mean"] > 0).all()
    grid = fig.axes[0].images[0].get_array()
    expected = loss.pivot(index="enforcement.base_presence", columns="policy.rules.disclosure_prob", values="mean")
    np.testing.assert_allclose(np.asarray(grid), expected.to_numpy())


def test_reversal_spillover_network_and_headline(tmp_path: Path) -> None:
    rev = _roundtrip(figures.reversal(hand_table({"policy.injunction_week": [1, 2]})), tmp_path / "r")
    assert set(rev["kind"]) == {"loss_curve", "half_life"} or set(rev["kind"]) == {"loss_curve"}
    spill = _roundtrip(
        figures.spillover(hand_table({"policy.clinic_disclosure_prob": [0.0], "behavior.kappa": [0.0, 1.0]})),
        tmp_path / "s",
    )
    assert ((spill["mean"] >= 0) & (spill["mean"] <= 1)).all()
    net = _roundtrip(
        figures.network(hand_table({"network.mean_degree": [0, 4], "network.within_block": [0.5]})), tmp_path / "n"
    )
    assert set(net["metric"]) == {"risk_citizen_only", "uptake_loss"}
    runs = pd.DataFrame({"policy": ["a"] * 3 + ["b"] * 3, "m.uptake_loss_final": [0.1, 0.2, 0.3, 0, 0, 0]})
    head = figures.headline_table(runs)
    a = head[head["policy"] == "a"].iloc[0]
    assert a["mean"] == pytest.approx(20.0) and a["n"] == 3


def test_mean_ci_matches_t_interval() -> None:
    df = pd.DataFrame({"k": ["x"] * 4, "v": [1.0, 2.0, 3.0, 4.0]})
    out = mean_ci(df, ["k"], "v").iloc[0]
    half = 3.182446305284263 * np.std([1, 2, 3, 4], ddof=1) / 2
    assert out["mean"] == 2.5 and out["hi"] - out["mean"] == pytest.approx(half)
