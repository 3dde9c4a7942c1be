"""What scenario discovery finds in its runs: the cases of interest, feature scores of every input, and PRIM's
boxes.

The cases of interest are the runs whose loss exceeds the threshold (a quantile of the runs' losses, or a
number of pp). Feature scoring (extra trees, EMA Workbench `get_ex_feature_scores`, seeded) ranks every input by
how much it tells the cases apart (classification) and by how much it explains the loss (regression), beside
`PROBES` columns of uniform noise: the largest score a probe gets is the noise level. PRIM (EMA Workbench
`prim.Prim`, binary mode, lenient objective) then looks for boxes over the inputs above the noise level (or the
best N, or all), with covering: after each box, the runs in it are set aside and PRIM looks again.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from experiments.discovery.sample import Inputs, Size, seeds

MISSING_EMA = (
    "scenario discovery needs the EMA Workbench (ema-workbench 2.5.3), which is not installed: "
    "pip install -e .[discovery]"
)
OUTCOMES = {
    "last_year": "uptake_loss_last_year_pp",
    "final": "uptake_loss_final_pp",
}
SHARE_UNIT = (
    "share: coverage = cases of interest in the box / all cases of interest; density = cases of interest in "
    "the box / runs in the box; mass = runs in the box / runs PRIM looked at"
)
SCORE_UNIT = (
    "share of the extra trees' impurity decrease (each score column sums to 1 over the inputs and the noise probes)"
)
SIGNIFICANT = 0.05  # a restriction's quasi-p value under this: `significant` in the boxes table
PROBE, PROBES = "noise_probe", 40  # uniform noise columns scored beside the inputs: the level a signal must clear
AUTO_DIMS = (2, 20)  # PRIM's inputs by default: those above the noise level, at least 2 and at most 20
BOX_RULE = (
    "largest coverage among the trajectory's boxes with density >= min_density (ties: fewer restricted "
    "dimensions, then the earlier step)"
)


def require_ema() -> None:
    """Fail with the install command when the EMA Workbench is missing."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its optional evaluators (ipyparallel) and plotting (altair)
            import ema_workbench.analysis.prim  # noqa: F401
    except ImportError as exc:
        raise ModuleNotFoundError(MISSING_EMA) from exc


@dataclass(frozen=True)
class Settings:
    outcome: str = OUTCOMES["last_year"]
    threshold_quantile: float = 0.8
    threshold_pp: float | None = None  # overrides the quantile
    min_density: float = 0.4
    box: int | None = None  # a step of the first trajectory, instead of the rule
    max_boxes: int = 3
    prim_dims: int | None = None  # None: the inputs above the noise level (`AUTO_DIMS`); 0: every input
    peel_alpha: float = 0.05
    paste_alpha: float = 0.05
    mass_min: float = 0.05


def threshold(loss: np.ndarray, settings: Settings) -> float:
    """The loss above which a run is a case of interest (pp)."""
    if settings.threshold_pp is not None:
        return float(settings.threshold_pp)
    return float(np.quantile(loss, settings.threshold_quantile))


def features(runs: pd.DataFrame, inp: Inputs) -> pd.DataFrame:
    """The inputs as PRIM and the trees see them: floats, whole weeks and the 0/1 flag as integers."""
    x = runs[inp.names].copy()
    for name in inp.names:
        x[name] = x[name].astype(np.int64) if name in (*inp.integer, *inp.binary) else x[name].astype(float)
    return x


def feature_scores(x: pd.DataFrame, loss: np.ndarray, cases: np.ndarray, inp: Inputs, size: Size, seed: int):
    """Extra-trees feature scores of every input: for telling the cases apart, and for the loss itself.

    `PROBES` columns of uniform noise are scored beside the inputs; the largest of their scores is the noise
    level (`noise_cases`, `noise_loss`) an input's score must clear to carry a signal (`above_noise`).
    """
    require_ema()
    from ema_workbench.analysis.feature_scoring import get_ex_feature_scores
    from ema_workbench.analysis.scenario_discovery_util import RuleInductionType

    state = seeds(seed)["trees"] % 2**31
    noise = np.random.default_rng(seeds(seed)["probes"]).random((len(x), PROBES))
    probes = [f"{PROBE}.{i}" for i in range(PROBES)]
    xp = pd.concat([x.reset_index(drop=True), pd.DataFrame(noise, columns=probes)], axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # out-of-bag estimates on few runs; pandas' future behaviour
        by_case, _ = get_ex_feature_scores(
            xp, cases.astype(int), mode=RuleInductionType.CLASSIFICATION, nr_trees=size.trees, random_state=state
        )
        by_loss, _ = get_ex_feature_scores(
            xp, loss, mode=RuleInductionType.REGRESSION, nr_trees=size.trees, random_state=state
        )
    by_case, by_loss = by_case.iloc[:, 0].astype(float), by_loss.iloc[:, 0].astype(float)
    df = pd.DataFrame({"parameter": inp.names})
    df["kind"] = df["parameter"].map(inp.kind)
    df["score_cases"] = df["parameter"].map(by_case)
    df["score_loss"] = df["parameter"].map(by_loss)
    df["noise_cases"] = float(by_case[probes].max())
    df["noise_loss"] = float(by_loss[probes].max())
    df["above_noise"] = df["score_cases"] > df["noise_cases"]
    df["rank_cases"] = df["score_cases"].rank(ascending=False, method="first").astype(int)
    df["rank_loss"] = df["score_loss"].rank(ascending=False, method="first").astype(int)
    df["range_lo"] = df["parameter"].map(lambda p: inp.range(p)[0])
    df["range_hi"] = df["parameter"].map(lambda p: inp.range(p)[1])
    df["parameter_unit"] = df["parameter"].map(inp.unit)
    df["unit"] = SCORE_UNIT
    return df.sort_values(["rank_cases", "parameter"]).reset_index(drop=True)


def prim_dims(scores: pd.DataFrame, settings: Settings) -> int:
    """How many of the best-scored inputs PRIM looks at: `--prim-dims`, or those above the noise level."""
    n = len(scores)
    if settings.prim_dims is not None:
        return n if settings.prim_dims <= 0 else min(settings.prim_dims, n)
    return min(max(int(scores["above_noise"].sum()), AUTO_DIMS[0]), AUTO_DIMS[1], n)


def choose(trajectory: pd.DataFrame, min_density: float) -> int:
    """The step the rule picks (`BOX_RULE`); the densest step (ties: larger coverage) if none reaches it."""
    t = trajectory.reset_index(drop=True)
    ok = t[t["density"] >= min_density - 1e-12]
    if ok.empty:
        return int(t.sort_values(["density", "coverage"], ascending=False, kind="stable").index[0])
    return int(ok.sort_values(["coverage", "res_dim"], ascending=[False, True], kind="stable").index[0])


def _box_rows(box, prim, step: int, number: int, inp: Inputs, x: pd.DataFrame) -> list[dict[str, Any]]:
    """A row per dimension the box restricts at `step`: limits, quasi-p values, the ranges."""
    from ema_workbench.analysis import scenario_discovery_util as sdutil

    lims = box.box_lims[step]
    restricted = list(sdutil._determine_restricted_dims(lims, prim.box_init))
    qp = box.qp[step]
    stats = box.peeling_trajectory.iloc[step]
    rows = []
    for name in restricted:
        lower, upper = float(lims[name].iloc[0]), float(lims[name].iloc[1])
        s_lo, s_hi = float(x[name].min()), float(x[name].max())
        q_lo, q_hi = (np.nan if v is None or v < 0 else float(v) for v in qp.get(name, [-1, -1]))
        side = [s for s, moved in (("lower", lower > s_lo), ("upper", upper < s_hi)) if moved]
        rows.append(
            {
                "box": number,
                "step": step,
                "parameter": name,
                "kind": inp.kind(name),
                "lower": lower,
                "upper": upper,
                "restricts": " and ".join(side) or "none",
                "qp_lower": q_lo,
                "qp_upper": q_hi,
                "significant": _smallest(q_lo, q_hi) < SIGNIFICANT,
                "sampled_lo": s_lo,
                "sampled_hi": s_hi,
                "range_lo": inp.range(name)[0],
                "range_hi": inp.range(name)[1],
                "unit": inp.unit(name),
                "coverage": float(stats["coverage"]),
                "density": float(stats["density"]),
                "mass": float(stats["mass"]),
                "n_restricted": int(stats["res_dim"]),
                "runs_in_box": int(stats["n"]),
                "cases_in_box": int(stats["k"]),
                "share_unit": SHARE_UNIT,
            }
        )
    return sorted(rows, key=lambda r: (_smallest(r["qp_lower"], r["qp_upper"]), r["parameter"]))


def _smallest(*values: float) -> float:
    """The smaller quasi-p value of a restriction (1 when neither side has one): the table's order."""
    finite = [v for v in values if np.isfinite(v)]
    return min(finite) if finite else 1.0


def prim_boxes(x: pd.DataFrame, cases: np.ndarray, inp: Inputs, settings: Settings):
    """PRIM on (x, cases) with covering: (boxes table, peeling table); empty tables when no box is found."""
    require_ema()
    from ema_workbench.analysis import prim

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' future behaviour inside the workbench
        p = prim.Prim(
            x,
            cases.astype(int),
            threshold=settings.min_density,
            peel_alpha=settings.peel_alpha,
            paste_alpha=settings.paste_alpha,
            mass_min=settings.mass_min,
        )
        rows, peels = [], []
        for number in range(1, settings.max_boxes + 1):
            box = p.find_box()
            if box is None or len(box.peeling_trajectory) < 2 or int(box.peeling_trajectory["res_dim"].iloc[-1]) == 0:
                break  # a dump box: what remains reaches the density nowhere
            t = box.peeling_trajectory.reset_index(drop=True)
            step = settings.box if number == 1 and settings.box is not None else choose(t, settings.min_density)
            if not 0 <= step < len(t):
                raise ValueError(f"--box {step}: the first trajectory has steps 0 to {len(t) - 1}")
            box.select(step)
            rows += _box_rows(box, p, step, number, inp, x)
            peels.append(
                pd.DataFrame(
                    {
                        "box": number,
                        "step": np.arange(len(t)),
                        "coverage": t["coverage"].astype(float),
                        "density": t["density"].astype(float),
                        "mass": t["mass"].astype(float),
                        "mean": t["mean"].astype(float),
                        "n_restricted": t["res_dim"].astype(int),
                        "runs_in_box": t["n"].astype(int),
                        "cases_in_box": t["k"].astype(int),
                        "chosen": np.arange(len(t)) == step,
                        "min_density": settings.min_density,
                        "unit": SHARE_UNIT + "; runs_in_box and cases_in_box in runs",
                    }
                )
            )
            left = np.setdiff1d(p.yi_remaining, box.yi)  # what the next find_box will look at
            if not cases[left].any():
                break
    boxes = pd.DataFrame(rows, columns=BOX_COLUMNS)
    peeling = pd.concat(peels, ignore_index=True) if peels else pd.DataFrame(columns=PEEL_COLUMNS)
    return boxes, peeling


BOX_COLUMNS = [
    "box", "step", "parameter", "kind", "lower", "upper", "restricts", "qp_lower", "qp_upper", "significant",
    "sampled_lo", "sampled_hi", "range_lo", "range_hi", "unit", "coverage", "density", "mass", "n_restricted",
    "runs_in_box", "cases_in_box", "share_unit",
]  # fmt: skip
PEEL_COLUMNS = [
    "box", "step", "coverage", "density", "mass", "mean", "n_restricted", "runs_in_box", "cases_in_box", "chosen",
    "min_density", "unit",
]  # fmt: skip


@dataclass
class Discovery:
    threshold_pp: float
    n_cases: int
    prim_inputs: list[str]
    scores: pd.DataFrame
    boxes: pd.DataFrame
    peeling: pd.DataFrame


def discover(runs: pd.DataFrame, inp: Inputs, size: Size, seed: int, settings: Settings) -> Discovery:
    """Cases of interest, feature scores of every input, then PRIM's boxes over the best-scoring inputs."""
    require_ema()
    loss = runs[settings.outcome].to_numpy(dtype=float)
    if not np.all(np.isfinite(loss)):
        raise ValueError(f"{settings.outcome}: runs without a loss (nobody eligible?); make the population larger")
    cut = threshold(loss, settings)
    cases = loss > cut
    if not 0 < cases.sum() < len(cases):
        raise ValueError(
            f"threshold {cut:.4g} pp leaves {int(cases.sum())} of {len(cases)} runs above it: PRIM needs runs on both "
            "sides; choose another --threshold-quantile or --threshold-pp"
        )
    x = features(runs, inp)
    scores = feature_scores(x, loss, cases, inp, size, seed)
    chosen = list(scores.sort_values("rank_cases")["parameter"].iloc[: prim_dims(scores, settings)])
    scores["in_prim"] = scores["parameter"].isin(chosen)
    ordered = [n for n in inp.names if n in chosen]  # the runs table's order: PRIM's result does not hang on ranks
    boxes, peeling = prim_boxes(x[ordered], cases, inp, settings)
    return Discovery(cut, int(cases.sum()), ordered, scores, boxes, peeling)
