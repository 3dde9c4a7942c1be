"""Which overrides reach which arm of a comparison, said before any job runs.

An override meant for one regime that reaches them all is otherwise seen only afterwards, in identical rows:
`policy.injunction_week=20` given to the policy comparison also gave the directive a court order. So the
guard prints, for a sweep over several regimes (`policy=a,b,...`), what every regime gets, what each gets of
its own (scoped overrides included), what the paired baseline run of each job keeps, and warns of each
`policy.*` override that reaches every regime, naming the scope that would give it to one.
"""

from __future__ import annotations

from typing import Any

from sim.config.paths import policy_file
from sim.launch.simulate import RUN_FIELDS
from sim.launch.sweeps.plan import Job, SweepPlan
from sim.launch.sweeps.scopes import ARM_KEY
from sim.launch.sweeps.words import override_key, override_value, split_scoped


def _firewall_fields() -> tuple[str, ...]:
    """The policy fields a paired run takes from its own run (`sim.launch.simulate.RUN_FIELDS`)."""
    return tuple(f"{ARM_KEY}.{f}" for f in RUN_FIELDS)


def arm_report(plan: SweepPlan) -> tuple[list[str], list[str]]:
    """(lines, warnings) saying which overrides reach which regime; nothing when the sweep runs one regime.

    Printed before any job runs, so that an override meant for one regime that reaches them all is seen
    before the runs, not afterwards in identical rows.
    """
    arms: dict[str, list[Job]] = {}
    for job in plan.jobs:
        arm = override_value(job.overrides, plan.arm_key)
        if arm is not None:
            arms.setdefault(arm, []).append(job)
    if len(arms) < 2:
        return [], []

    def fixed(jobs: list[Job]) -> dict[str, str]:
        """The overrides every job of `jobs` has, with the same value."""
        first = {override_key(o): o for o in jobs[0].overrides}
        return {
            k: o
            for k, o in first.items()
            if k != plan.arm_key and all(override_value(j.overrides, k) == o.partition("=")[2] for j in jobs)
        }

    per_arm = {arm: fixed(jobs) for arm, jobs in arms.items()}
    common = {k: o for k, o in next(iter(per_arm.values())).items() if all(p.get(k) == o for p in per_arm.values())}
    keys = dict.fromkeys(override_key(o) for j in plan.jobs for o in j.overrides)
    swept = [
        k
        for k in keys
        if k != plan.arm_key and k not in common and len({override_value(j.overrides, k) for j in plan.jobs}) > 1
    ]
    width = max(len(a) for a in arms) + 2
    lines = [f"Overrides by regime ({plan.arm_key}=...), before any run:"]
    lines.append(
        f"  {'every regime:':<{width}} {' '.join(common.values()) or '-'}"
        + (f"   [swept: {', '.join(swept)}]" if swept else "")
    )
    for arm, jobs in arms.items():
        own = [o for k, o in per_arm[arm].items() if k not in common]
        own += [f"{split_scoped(s)[1]} (scoped)" for s in jobs[0].scoped]  # type: ignore[index]
        lines.append(f"  {arm + ':':<{width}} {' '.join(own) or '(nothing of its own)'}")
    policy_wide = [o for k, o in common.items() if k.startswith(f"{plan.arm_key}.")]
    baselines = sorted({j.baseline for j in plan.jobs if j.paired})
    if baselines:
        own_fields = _firewall_fields()
        kept_off = [o for o in policy_wide if not override_key(o).startswith(own_fields)]
        files = ", ".join(f"conf/policy/{b}.yaml" for b in baselines)
        lines.append(
            f"  paired {'/'.join(baselines)} run of each job: the overrides of its run, except policy fields other "
            f"than {', '.join(own_fields)} (the rest of its policy is {files})"
            + (f"; so not {' '.join(kept_off)}" if kept_off else "")
        )
    warnings = [
        f"warning: {o} reaches every regime of this sweep ({', '.join(arms)}), whatever each regime's own file "
        f"says; to give it to one regime only, scope it: <regime>:{o} (e.g. {_example_arm(list(arms), o)}:{o})"
        for o in policy_wide
    ]
    return lines, warnings


def _example_arm(arms: list[str], override: str) -> str:
    """The regime whose own file sets the override's field (the one it is likely meant for), else the first."""
    path = override_key(override).split(".")[1:]
    for arm in arms:
        try:
            node: Any = policy_file(arm)
        except (OSError, ValueError, KeyError):
            continue
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            return arm
    return arms[0]
