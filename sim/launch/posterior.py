"""Parameters drawn from a calibrated posterior, one draw per seed.

The calibration (experiments/calibrate.py) saves weighted particles as a CSV:
one column per fitted parameter, named by its config path (`behavior.w_news`),
plus `weight`. `behavior.loss_scale` is not a config field: it multiplies the
expected loss of every noncitizen status (declared in `sim.config.params.DERIVED`).
A run with `behavior.posterior_file` set draws one particle from the
`posterior` stream of its seed, so seeds sample parameter uncertainty and
chance together, reproducibly. A config with parameters applied is validated
like any other, and checked against the memory available: a posterior cannot
set a field outside its allowed range.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from sim import MODEL_VERSION
from sim.config import STATUSES, Config, ConfigError, allowed_text, resolve_path, validate
from sim.config.params import DERIVED, LOSS_SCALE, TRANSFER, declared, plausible
from sim.model.build.resources import check_resources
from sim.model.data.rng import Streams

# LOSS_SCALE and TRANSFER are declared in sim.config.params; the drivers that draw or apply parameters import them here
__all__ = [
    "DEFAULT_POSTERIOR",
    "LOSS_SCALE",
    "TRANSFER",
    "WEIGHT",
    "apply_parameters",
    "apply_posterior",
    "resolve_path",
]

WEIGHT = "weight"
DEFAULT_POSTERIOR = "data/posterior/posterior.csv"
DIAGNOSTICS = "diagnostics.json"  # beside the posterior: the calibration's record, with `model_version`


@lru_cache(maxsize=8)
def _read(path: str) -> pd.DataFrame:
    return pd.read_csv(path)


def _fitted_model_version(path: Path) -> int | None:
    """The model version the posterior's calibration recorded (its folder's diagnostics.json), or None."""
    try:
        return json.loads((path.parent / DIAGNOSTICS).read_text()).get("model_version")
    except (OSError, ValueError, AttributeError):
        return None


def check_fit(path: str | Path, columns: list[str]) -> None:
    """Refuse a posterior fitted to another model: its recorded version, or a parameter this model lacks."""
    version = _fitted_model_version(resolve_path(path))
    unknown = []
    for name in columns:
        try:
            declared(name)
        except KeyError:
            unknown.append(name)
    if version != MODEL_VERSION or unknown:
        found = "records no model version" if version is None else f"was fitted to model version {version}"
        extra = f"; parameters this model does not have: {', '.join(unknown)}" if unknown else ""
        raise ConfigError(
            "behavior.posterior_file",
            str(path),
            f"{found}, not to this model (version {MODEL_VERSION}){extra}. Refit it with "
            "`python -m experiments.calibrate`, or run without it (behavior=default)",
        )


def load_posterior(path: str | Path) -> pd.DataFrame:
    """Weighted particles: parameter columns and normalised `weight`; refuses a posterior of another model."""
    df = _read(str(resolve_path(path))).copy()
    check_fit(path, parameter_names(df))
    if WEIGHT not in df.columns:
        df[WEIGHT] = 1.0
    w = df[WEIGHT].to_numpy(dtype=float)
    if len(df) == 0 or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError(f"{path}: needs at least one particle and non-negative weights")
    df[WEIGHT] = w / w.sum()
    return df


def require_posterior(path: str | Path) -> pd.DataFrame:
    """`load_posterior`, with a missing file named and the command that makes it (FileNotFoundError)."""
    where = resolve_path(path)
    if not where.is_file():
        made = f" (the calibration writes {DEFAULT_POSTERIOR})" if str(path) == DEFAULT_POSTERIOR else ""
        raise FileNotFoundError(
            f"no posterior at {path} ({where}): make it with `python -m experiments.calibrate`{made}, "
            "or pass --posterior <file> with a posterior fitted to this model"
        )
    return load_posterior(path)


def parameter_names(posterior: pd.DataFrame) -> list[str]:
    return [c for c in posterior.columns if c != WEIGHT]


def draw(posterior: pd.DataFrame, seed: int) -> dict[str, float]:
    """One particle, chosen by weight with the seed's `posterior` stream."""
    u = Streams(seed)["posterior"].random()
    row = min(int(np.searchsorted(np.cumsum(posterior[WEIGHT].to_numpy()), u, side="right")), len(posterior) - 1)
    return {name: float(posterior[name].iloc[row]) for name in parameter_names(posterior)}


def apply_parameters(cfg: Config, params: dict[str, float]) -> Config:
    """A validated copy of cfg with each dotted config path set; `behavior.loss_scale` scales noncitizen losses.

    Raises KeyError for a path that is no config field, ConfigError for a value outside the field's allowed
    range (or a config that no longer fits in memory).
    """
    out = copy.deepcopy(cfg)
    for name, value in params.items():
        if name == LOSS_SCALE:
            p = DERIVED[LOSS_SCALE]
            lo, hi = p.bounds
            ok = np.isfinite(value) and value >= lo and (hi is None or value <= hi)
            if not ok:
                raise ConfigError(name, value, allowed_text(p, float))
            out.behavior.loss = {s: v * value if s != STATUSES[0] else v for s, v in out.behavior.loss.items()}
            continue
        *parents, leaf = name.split(".")
        node = out
        for part in parents:
            node = getattr(node, part)
        if not hasattr(node, leaf):
            raise KeyError(f"{name}: not a config field")
        old = getattr(node, leaf)
        integer = isinstance(old, int) and not isinstance(old, bool)
        setattr(node, leaf, int(round(value)) if integer and np.isfinite(value) else float(value))
    return check_resources(validate(out))


def draw_transfer(seed: int) -> float:
    """The seed's announcement transfer, uniform over its declared plausible range (the `transfer` stream).

    The survey fit measures fear of another rule; how loud the directive is beside it is not fitted, so a run
    that carries the uncertainty draws it afresh per seed (docs/ODD.md, 11, "Transfer").
    """
    lo, hi = plausible(TRANSFER)
    return float(lo + (hi - lo) * Streams(seed)["transfer"].random())


def apply_posterior(cfg: Config) -> tuple[Config, dict[str, float]]:
    """cfg with its seed's posterior draw (and transfer draw, when uncertain) applied, validated."""
    params: dict[str, float] = {}
    if cfg.behavior.posterior_file:
        params = draw(load_posterior(cfg.behavior.posterior_file), cfg.seed)
    if cfg.behavior.transfer_uncertain:
        params[TRANSFER] = draw_transfer(cfg.seed)
    keep = cfg.behavior.posterior_keep
    unknown = [k for k in keep if k not in params]
    if unknown:
        raise ConfigError(
            "behavior.posterior_keep", unknown, f"parameters the draw sets: {', '.join(params) or 'none'}"
        )
    params = {k: v for k, v in params.items() if k not in keep}
    if not params:
        return check_resources(validate(cfg)), {}
    out = apply_parameters(cfg, params)
    out.behavior.posterior_file = ""
    out.behavior.transfer_uncertain = False  # applied: the run's config records the value drawn
    return out, params
