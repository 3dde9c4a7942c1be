"""The contact network's config (`network.*`, groups `sbm`, `random`, `none`): who talks to whom."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.declare import ASSUMPTION, PROB, SETTING, UNCERTAINTY, param
from sim.config.vocabulary import HOUSEHOLD_TYPES, NETWORK_KINDS


@dataclass
class NetworkConfig:
    kind: str = field(
        default="sbm",
        metadata=param(
            SETTING, allowed=NETWORK_KINDS,
            doc="`sbm`: community ties with homophily by community and region, kin mostly in the community; "
            "`random`: both anywhere (kin still between households of the kinds below); `none`: no ties of any "
            "kind, community or kin",
        ),
    )  # fmt: skip
    mean_degree: float = field(
        default=6.0,
        metadata=param(
            UNCERTAINTY, allowed=(0.0, 200.0), plausible=(0, 20), unit="neighbouring households",
            default_note="`none`: 0", doc="mean number of community (non-kin) ties per household",
            source="assumption; Devillanova (2008) supports that ties carry information both ways, not a count",
        ),
    )  # fmt: skip
    within_block: float = field(
        default=0.75,
        metadata=param(
            UNCERTAINTY,
            allowed=PROB,
            plausible=(0.2, 0.95),
            unit="share of ties",
            source=ASSUMPTION,
            doc="share of community ties within the household's own block (community and region)",
        ),
    )
    within_community: float = field(
        default=0.15,
        metadata=param(
            UNCERTAINTY, allowed=PROB, plausible=(0.0, 0.3), unit="share of ties",
            source="assumption (`within_block + within_community` <= 1)",
            doc="share of community ties elsewhere in the household's community (the rest go anywhere)",
        ),
    )  # fmt: skip
    kin_degree: dict[str, float] = field(
        default_factory=lambda: {
            "us_born": 1.0,
            "all_citizen_immigrant": 2.0,
            "green_card_citizen": 2.5,
            "mixed_status": 3.0,
            "visa_holder": 1.5,
        },
        metadata=param(
            UNCERTAINTY, allowed=(0.0, 50.0), keys=(HOUSEHOLD_TYPES,), unit="kin households drawn",
            doc="mean number of kin ties (relatives in other households) each household draws, by household "
            "type (a household also receives the ties others draw to it)",
            plausible={"us_born": (0.5, 2.0), "*": (1.0, 5.0)},
            source="assumption: kin networks are denser in immigrant families (chain migration); no count",
        ),
    )  # fmt: skip
    kin_within_community: float = field(
        default=0.7,
        metadata=param(
            UNCERTAINTY, allowed=PROB, plausible=(0.4, 0.9), unit="share of kin ties",
            doc="share of kin ties to a household of the same community (the rest anywhere)", source=ASSUMPTION,
        ),
    )  # fmt: skip
    us_born_immigrant_kin: float = field(
        default=0.2,
        metadata=param(
            UNCERTAINTY, allowed=PROB, plausible=(0.05, 0.4), unit="share of US-born households' kin ties",
            doc="share of the kin ties a US-born household draws that go to an immigrant household (a US-born "
            "citizen with an undocumented cousin); immigrant households' own draws go to immigrant households",
            source=ASSUMPTION,
        ),
    )  # fmt: skip
