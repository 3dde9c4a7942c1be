"""The survey figures the fit uses: the weeks each wave asks about and each figure with its tolerance.

The directive stands in for the 2018 public-charge announcement: a publicly
announced rule that raises the perceived immigration risk of using a benefit.
The model's avoidance share (experiments/survey.py) is compared with the Urban
Institute's Well-Being and Basic Needs Survey figures for adults in immigrant
families, each with a survey tolerance. experiments/validation.py places its
untargeted statistics on the same weeks.
"""

from __future__ import annotations

from dataclasses import dataclass

START = 8  # the directive's week in conf/policy (policy.start_week)
SURVEY_2018 = START + 40  # December 2018, about 40 weeks after the rule became news
SURVEY_2020 = SURVEY_2018 + 104  # December 2020, two years later
WINDOW_2018 = (max(0, SURVEY_2018 - 52), SURVEY_2018)  # each wave asks about the past twelve months
WINDOW_2020 = (SURVEY_2020 - 52, SURVEY_2020)
WEEKS = SURVEY_2020


@dataclass(frozen=True)
class Target:
    """One published figure, its model counterpart and the tolerance kept in the fit."""

    value: float
    sd: float
    family: str
    window: tuple[int, int]
    source: str


TARGETS: dict[str, Target] = {
    "avoid_2018": Target(
        0.137, 0.02, "immigrant", WINDOW_2018, "Bernstein, Gonzalez, Karpman, Zuckerman (2019), WBNS Dec 2018"
    ),
    "avoid_2018_children": Target(
        0.174, 0.025, "immigrant_with_children", WINDOW_2018, "Bernstein et al. (2019), families with children"
    ),
    "avoid_2018_no_children": Target(
        0.089, 0.025, "immigrant_without_children", WINDOW_2018, "Bernstein et al. (2019), families without children"
    ),
    "avoid_2020_children": Target(
        0.200, 0.025, "immigrant_with_children", WINDOW_2020,
        "Haley, Kenney, Bernstein, Gonzalez (2021), WBNS Dec 2020: adults in immigrant families with children, "
        "noncash benefits avoided for green-card or other immigration concerns",
    ),
    "avoid_2020_no_children": Target(
        0.150, 0.025, "immigrant_without_children", WINDOW_2020,
        "Haley, Kenney, Bernstein, Gonzalez (2021), WBNS Dec 2020: adults in immigrant families without children",
    ),
}  # fmt: skip


def target_values() -> dict[str, float]:
    """The published figures alone, keyed like the model's answers: pyabc's observed data."""
    return {k: t.value for k, t in TARGETS.items()}
