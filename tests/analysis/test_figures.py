"""Figure functions on hand-made tables: the numbers they plot (and save) are the table's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import figures
from analysis.over_time import _recovery_by_run
from analysis.stats import MIN_AGENTS, agents_behind, mean_intervals, paired_loss
from analysis.style import new_figure, save_figure

INTERVALS = ["ci_lo", "ci_hi", "pi_lo", "pi_hi"]

# status, household type, interpreter, eligible agents behind the row
GROUPS = [
    ("citizen", "us_born", False, 400),
    ("citizen", "mixed_status", False, 200),
    ("undocumented", "mixed_status", False, 200),
    ("lpr", "green_card_citizen", True, 10),  # too few: flagged, never a finding
]


def hand_table(params: dict[str, list], weeks: int = 4, seeds: int = 3, cut_fn=None) -> pd.DataFrame:
    """A synthetic sweep table: uptake falls with a run's index in a way we can compute by hand."""
    rows = []
    keys = list(params)
    combos = pd.MultiIndex.from_product([*params.values(), range(seeds)], names=[*keys, "seed"]).to_frame(index=False)
    for run, combo in combos.iterrows():
        for arm in ("scenario", "baseline"):
            for week in range(weeks):
                for g, (status, hh, interp, agents) in enumerate(GROUPS):
                    eligible = 100
                    if arm == "baseline" or hh == "us_born":
                        cut = 0
                    else:
                        cut = cut_fn(run, g, week) if cut_fn else (run % 5) + g + week
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
                            "agents": agents,
                            "eligible_agents": agents,
                            "eligible": eligible,
                            "receiving": eligible - cut,
                            "encounters": (run + week) % 3 if arm == "scenario" else 0,
                            "arrests": 1,
                            "clinic_encounters": 0,
                            "clinic_visits": 50 - (cut if arm == "scenario" else 0),
                            "perceived_disclosure_mean": 0.01 * (1 + cut) + (0.02 if arm == "scenario" else 0.0),
                        }
                    )
    table = pd.DataFrame(rows)
    table["policy.start_week"] = 0
    return table


def legend_labels(fig) -> set[str]:
    """Every legend entry of a figure: its own legends and every legend drawn on its axes."""
    from matplotlib.legend import Legend

    legends = [*fig.legends, *(c for ax in fig.axes for c in ax.get_children() if isinstance(c, Legend))]
    return {t.get_text() for legend in legends for t in legend.get_texts()}


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
    expected = (per_run["receiving"] / per_run["eligible"]).groupby("week").mean()  # a share in the CSV
    got = data[(data["segment"] == "All eligible people") & (data["policy"] == "appointment_disclosure")]
    np.testing.assert_allclose(got.sort_values("week")["mean"], expected.to_numpy(), rtol=1e-9)
    assert (got["unit"] == "share of eligible people receiving").all()
    assert got["interval"].str.contains("95% CI of the mean").all()
    assert got["interval"].str.contains("90% predictive interval").all()
    line = fig.axes[0].get_lines()[1]  # firewall first, then the directive
    np.testing.assert_allclose(line.get_ydata(), 100 * expected.to_numpy(), rtol=1e-9)  # drawn in percent
    # The agents behind each panel travel with the numbers, and the panel title says them.
    assert (got["eligible_agents"] == 400 + 200 + 200 + 10).all() and not got["small"].any()
    assert "n=810" in fig.axes[0].get_title()
    assert {figures.CI_LABEL, figures.PI_LABEL} <= legend_labels(fig)  # both bands in the legend
    assert "%" in fig.axes[0].get_ylabel()


def test_loss_by_group_is_paired_firewall_minus_scenario_in_pp(tmp_path: Path) -> None:
    table = hand_table({"policy": ["appointment_disclosure"]})
    fig = figures.loss_by_group(table)
    data = _roundtrip(fig, tmp_path)
    last = table[(table["week"] == 3) & (table["status"] == "undocumented")]
    per_run = last.pivot_table(index="run", columns="arm", values="receiving") / 100
    loss = 100 * (per_run["baseline"] - per_run["scenario"])  # percentage points
    row = data[data["segment"] == "Noncitizens in mixed-status households"].iloc[0]
    assert row["mean"] == pytest.approx(loss.mean())
    assert row["ci_lo"] < row["mean"] < row["ci_hi"]
    # the predictive interval is the 5th to 95th percentile of the per-seed losses
    assert [row["pi_lo"], row["pi_hi"]] == pytest.approx(list(np.percentile(loss, [5, 95])))
    assert row["eligible_agents"] == 200 and not row["small"]
    us_born = data[data["segment"] == "US-born households"].iloc[0]
    assert us_born["mean"] == 0 and us_born["eligible_agents"] == 400
    assert "percentage points" in fig.axes[0].get_xlabel()


def test_small_groups_are_flagged_never_plotted_as_findings(tmp_path: Path) -> None:
    """Fewer than MIN_AGENTS eligible agents: flagged in the CSV, hatched grey and marked n<50 in the figure."""
    table = hand_table({"policy": ["appointment_disclosure"]})
    fig = figures.loss_by_group(table)
    data = _roundtrip(fig, tmp_path)
    small = data[data["small"]]
    absent = {"All-citizen immigrant households", "Visa-holder households"}  # no such people in the table
    assert set(small["segment"]) == {"Green card and citizen households", "People needing an interpreter", *absent}
    assert (small["eligible_agents"] < MIN_AGENTS).all()
    assert small[small["segment"].isin(absent)]["mean"].isna().all()
    assert (small[small["segment"].isin(absent)]["eligible_agents"] == 0).all()
    assert not data[~data["small"]]["eligible_agents"].lt(MIN_AGENTS).any()
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert any("Green card" in t and f"n<{MIN_AGENTS}" in t and "not a finding" in t for t in labels)
    assert any(f"n<{MIN_AGENTS}" == t.get_text().strip() for t in ax.texts)
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 2  # the two small groups' bars, and only those
    assert all(p.get_facecolor()[:3] == pytest.approx((0.741, 0.741, 0.741), abs=0.01) for p in hatched)
    # The agents behind a segment are the fewest over runs (a run without the segment has none).
    agents = agents_behind(table, ["policy"], "Green card and citizen households")
    assert agents["eligible_agents"].tolist() == [10] and agents["small"].all()


def test_intervals_say_what_they_carry(tmp_path: Path) -> None:
    """Both intervals are labelled in the legends and the CSV, and say what the spread over seeds carries."""
    table = hand_table({"policy": ["appointment_disclosure"]})
    note = figures.uncertainty_note(table)
    assert "chance only" in note and "not calibrated" in note
    fig = figures.loss_by_group(table)
    assert note in fig.axes[0].get_title()
    assert {figures.CI_LABEL, figures.PI_LABEL} <= legend_labels(fig)
    data = _roundtrip(fig, tmp_path)
    for words in ("ci_lo to ci_hi: 95% CI of the mean", "pi_lo to pi_hi: 90% predictive interval", note):
        assert data["interval"].str.contains(words, regex=False).all(), words
    with_draws = table.assign(**{"behavior.posterior_file": "data/posterior/posterior.csv"})
    assert "parameter uncertainty and chance" in figures.uncertainty_note(with_draws)
    calibrated = with_draws.assign(**{"behavior.transfer_uncertain": True})  # behavior=posterior draws both
    assert "parameter and transfer uncertainty and chance" in figures.uncertainty_note(calibrated)
    pinned = table.assign(**{"behavior.posterior_file": "", "behavior.transfer_uncertain": False})
    assert figures.uncertainty_note(pinned) == note
    drawn = figures.attach_intervals(
        new_figure()[0], data.drop(columns="interval"), "pp", figures.uncertainty_note(with_draws)
    )
    assert (
        drawn.plotted["interval"]
        .str.endswith("each seed with its own posterior draw: parameter uncertainty and chance")
        .all()
    )
    # A table whose interval columns do not say which interval they are is refused.
    with pytest.raises(ValueError, match="which interval"):
        figures.attach_intervals(new_figure()[0], pd.DataFrame({"mean": [1.0], "lo": [0.0], "hi": [2.0]}), "pp", note)


def test_dose_response_heatmap_cells(tmp_path: Path) -> None:
    table = hand_table({"policy.rules.disclosure_prob": [0.0, 1.0], "enforcement.base_presence": [0.2, 0.8]})
    fig = figures.dose_response(table)
    data = _roundtrip(fig, tmp_path)
    assert set(data["metric"]) == {"uptake_loss_final_pp", "encounters_per_100k_people"}
    loss = data[data["metric"] == "uptake_loss_final_pp"]
    assert len(loss) == 4 and (loss["mean"] > 0).all()
    x, y = "policy.rules.disclosure_prob", "enforcement.base_presence"
    # the final-week paired loss of all eligible people, in pp, computed by hand
    last = table[table["week"] == 3]
    by_hand = paired_loss(last, [x, y, "run"])
    np.testing.assert_allclose(
        loss.sort_values([x, y])["mean"], mean_intervals(by_hand, [x, y], "loss").sort_values([x, y])["mean"]
    )
    grid = fig.axes[0].images[0].get_array()
    expected = loss.pivot(index=y, columns=x, values="mean")
    np.testing.assert_allclose(np.asarray(grid), expected.to_numpy())
    # every cell's number is written in it
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {f"{v:.2f}" for v in expected.to_numpy().ravel()} <= texts
    # encounters at the agency per 100,000 people represented, summed over the run
    s = table[table["arm"] == "scenario"]
    per_run = 1e5 * s.groupby("run")["encounters"].sum() / s[s["week"] == 3].groupby("run")["people"].sum()
    enc = data[data["metric"] == "encounters_per_100k_people"]
    assert enc["mean"].mean() == pytest.approx(per_run.mean())
    enc_texts = {t.get_text() for t in fig.axes[1].texts}  # the colour bars come after both panels
    assert {f"{v:.0f}" for v in enc["mean"]} <= enc_texts
    assert "percentage points" in fig.axes[0].get_title() and "100,000" in fig.axes[1].get_title()


def test_reversal_plots_not_recovered_runs(tmp_path: Path) -> None:
    """Half-lives are from each run's peak loss; a run that does not recover by the horizon is plotted as such."""

    def cut(run: int, g: int, week: int) -> int:
        # runs 0-2 (injunction at week 1): loss peaks at week 2, then halves by week 4; runs 3-5 never fall
        peak = {0: 0, 1: 4, 2: 8, 3: 6, 4: 3, 5: 2}
        return peak[week] if run < 3 else 4 + week

    table = hand_table({"policy.injunction_week": [1, 2]}, weeks=6, cut_fn=cut)
    fig = figures.reversal(table)
    rev = _roundtrip(fig, tmp_path)
    assert set(rev["kind"]) == {"loss_curve", "halflife_from_peak_recovered_runs", "run"}
    runs = rev[rev["kind"] == "run"]
    assert len(runs) == 6, "every run is in the CSV, recovered or not"
    recovered = runs[runs["policy.injunction_week"] == 1]
    # From the peak (week 2, 8) to half of it (week 4, 3 <= 4): 2 weeks. From the injunction week (1) it would be 4.
    assert (recovered["status"] == "recovered").all() and (recovered["halflife_from_peak_weeks"] == 2).all()
    assert (recovered["peak_loss_week"] == 2).all() and (recovered["peak_weeks_after_injunction"] == 1).all()
    stuck = runs[runs["policy.injunction_week"] == 2]
    assert (stuck["status"] == figures.NOT_RECOVERED).all() and stuck["halflife_from_peak_weeks"].isna().all()
    assert (stuck["weeks_observed_after_peak"] == 0).all()  # the loss rises to the last week
    summary = rev[rev["kind"] == "halflife_from_peak_recovered_runs"].set_index("policy.injunction_week")
    assert summary.loc[1, "runs_recovered"] == 3 and summary.loc[2, "runs_not_recovered"] == 3
    assert summary.loc[1, "mean"] == 2 and summary.loc[1, "n"] == 3
    assert "from each run's peak" in summary.loc[1, "unit"]
    markers = fig.axes[1].collections
    assert any("not recovered by the horizon" in (c.get_label() or "") for c in markers)
    assert "percentage points" in fig.axes[0].get_ylabel() and "peak" in fig.axes[1].get_ylabel()
    assert {figures.CI_LABEL, figures.PI_LABEL} <= legend_labels(fig)


def test_reversal_half_life_is_measured_from_the_peak_not_the_injunction() -> None:
    """A loss that keeps rising for 3 weeks after the court's order: the half-life counts from its peak."""
    loss = [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 9.0, 7.0, 5.0, 4.0, 3.0]  # injunction at week 2, peak 10 at week 5
    weekly = pd.DataFrame({"policy.injunction_week": 2, "run": 0, "week": range(len(loss)), "loss": loss})
    row = _recovery_by_run(weekly, "policy.injunction_week", len(loss)).iloc[0]
    assert row["peak_loss_week"] == 5 and row["peak_loss_pp"] == 10.0 and row["peak_weeks_after_injunction"] == 3
    assert row["status"] == "recovered"
    assert row["halflife_from_peak_weeks"] == 3  # 10 at week 5 falls to 5 (half) at week 8
    # From the injunction week (4 at week 2, half 2 never reached again) the run would not have recovered at all.
    assert row["weeks_observed_after_peak"] == 5


def test_spillover_network_and_headline(tmp_path: Path) -> None:
    fig = figures.spillover(hand_table({"policy.clinic_disclosure_prob": [0.0], "behavior.kappa": [0.0, 1.0]}))
    assert {figures.CI_LABEL, figures.PI_LABEL} <= legend_labels(fig)
    spill = _roundtrip(fig, tmp_path / "s")
    assert ((spill["mean"] >= 0) & (spill["mean"] <= 100)).all() and (spill["eligible_agents"] == 410).all()
    table = hand_table({"network.mean_degree": [0, 4], "network.within_block": [0.5]})
    fig = figures.network(table)
    assert {figures.CI_LABEL, figures.PI_LABEL} <= legend_labels(fig)
    net = _roundtrip(fig, tmp_path / "n")
    assert set(net["metric"]) == {
        "perceived_disclosure_us_born_scenario",
        "perceived_disclosure_us_born_baseline",
        "uptake_loss_mean_pp",
    }
    # US-born households: the perceived disclosure of people who are not exposed, weighted, in percent
    fear = net[net["metric"] == "perceived_disclosure_us_born_scenario"]
    assert fear["mean"].to_numpy() == pytest.approx(100 * 0.03) and (fear["eligible_agents"] == 400).all()
    calm = net[net["metric"] == "perceived_disclosure_us_born_baseline"]
    assert calm["mean"].to_numpy() == pytest.approx(100 * 0.01)
    runs = pd.DataFrame(
        {
            "policy": ["a"] * 3 + ["b"] * 3,
            "m.uptake_loss_final_pp": [10.0, 20.0, 30.0, 0, 0, 0],
            "m.recovered": [True, False, None, None, None, None],
            "m.chilling_ratio": [2.0, None, 4.0, None, None, None],
        }
    )
    head = figures.headline_table(runs)
    assert list(head.columns) == ["metric", "policy", "mean", "ci_lo", "ci_hi", "pi_lo", "pi_hi", "n"]
    a = head[(head["policy"] == "a") & (head["metric"] == "Uptake loss, final week (pp)")].iloc[0]
    assert a["mean"] == pytest.approx(20.0) and a["n"] == 3
    rec = head[head["metric"] == "Runs recovered by the horizon (share)"].iloc[0]
    assert rec["mean"] == pytest.approx(0.5) and rec["n"] == 2  # a run not recovered counts against it
    chill = head[head["metric"].str.startswith("Chilling ratio")].iloc[0]
    assert chill["mean"] == pytest.approx(3.0) and chill["n"] == 2 and "encounter at the agency" in chill["metric"]


def test_headline_csv_has_both_intervals_labelled(tmp_path: Path) -> None:
    """The headline CSV a brief quotes: mean, CI of the mean, predictive interval, n, unit, and which is which."""
    runs = pd.DataFrame({"policy": ["a"] * 20, "m.uptake_loss_final_pp": np.linspace(0.0, 1.9, 20)})
    head = figures.headline_table(runs)
    fig = figures.attach_intervals(new_figure()[0], head, figures.HEADLINE_UNITS, "chance only", by="metric")
    data = _roundtrip(fig, tmp_path)
    assert list(data.columns) == ["metric", "policy", "mean", *INTERVALS, "n", "unit", "interval"]
    row = data.iloc[0]
    assert row["unit"] == "pp" and row["n"] == 20
    assert row["pi_lo"] == pytest.approx(0.095) and row["pi_hi"] == pytest.approx(1.805)  # 5th, 95th percentiles
    assert (
        "ci_lo to ci_hi: 95% CI of the mean" in row["interval"] and "pi_lo to pi_hi: 90% predictive" in row["interval"]
    )


def test_mean_intervals_ci_is_the_t_interval_and_pi_the_percentiles() -> None:
    df = pd.DataFrame({"k": ["x"] * 4 + ["y"], "v": [1.0, 2.0, 3.0, 4.0, 7.0]})
    out = mean_intervals(df, ["k"], "v").set_index("k")
    half = 3.182446305284263 * np.std([1, 2, 3, 4], ddof=1) / 2
    assert list(out.columns) == ["mean", *INTERVALS, "n"]
    assert out.loc["x", "mean"] == 2.5 and out.loc["x", "ci_hi"] - out.loc["x", "mean"] == pytest.approx(half)
    assert [out.loc["x", "pi_lo"], out.loc["x", "pi_hi"]] == pytest.approx([1.15, 3.85])
    assert out.loc["y", "n"] == 1 and out.loc["y", INTERVALS].isna().all()  # one run: no interval, not a zero-width one


def test_predictive_interval_is_wider_than_the_ci_when_seeds_are_many() -> None:
    """200 seeds spread like a standard normal: the PI is about +-1.645, the CI of the mean about +-0.14, inside it."""
    from scipy import stats

    values = stats.norm.ppf((np.arange(200) + 0.5) / 200)  # a known spread: sd 1, mean 0
    out = mean_intervals(pd.DataFrame({"v": values}), [], "v").iloc[0]
    assert out["pi_lo"] < out["ci_lo"] < out["mean"] < out["ci_hi"] < out["pi_hi"]
    assert out["pi_hi"] == pytest.approx(np.percentile(values, 95)) == pytest.approx(1.645, abs=0.03)
    assert out["ci_hi"] == pytest.approx(stats.t.ppf(0.975, 199) * np.std(values, ddof=1) / np.sqrt(200))
    assert (out["pi_hi"] - out["pi_lo"]) > 10 * (out["ci_hi"] - out["ci_lo"])


def test_every_committed_figure_table_says_its_unit_and_what_its_interval_carries() -> None:
    """Each CSV beside a figure: a unit on every row, and where it has intervals, which is which and what they carry."""
    from sim.config.paths import ROOT

    tables = sorted((ROOT / "figures").glob("*.csv"))
    plotted = [p for p in tables if p.with_suffix(".png").exists() or p.stem.endswith("headline")]
    assert plotted, "no committed figure tables"
    for path in plotted:
        df = pd.read_csv(path)
        assert "unit" in df and df["unit"].notna().all(), f"{path.name}: a row without its unit"
        if {"ci_lo", "ci_hi"} <= set(df.columns):
            assert df["interval"].str.contains("95% CI of the mean").all(), f"{path.name}: ci_lo/ci_hi unlabelled"
        if {"pi_lo", "pi_hi"} <= set(df.columns):
            assert df["interval"].str.contains("90% predictive interval").all(), f"{path.name}: pi unlabelled"
        if {"lo", "hi"} <= set(df.columns):  # an interval of another kind (sensitivity: a bootstrap interval)
            says = df["interval"].str.contains("95%") & df["interval"].str.contains("interval|CI")
            assert says.all(), f"{path.name}: lo/hi without what they carry"
