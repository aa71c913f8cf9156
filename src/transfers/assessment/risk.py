"""The documented, reproducible risk method of a transfer impact assessment.

EDPB Recommendations 01/2020 (v2.0, step 3) let an assessment take the importer's documented
practical experience into account, provided the assessment is documented and reproducible. The
assessor states, per scenario of access by a third-country authority, three estimates over the
assessment period: that an authority requests the data, that the importer is compelled to
disclose them (its challenge fails), and that the supplementary measures fail to keep the data
unintelligible. A scenario happens only if all three do, so its probability is their product;
the scenarios are treated as independent, so the probability that at least one happens is
1 - prod(1 - p). Pure functions: the same inputs always give the same result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import prod


@dataclass(frozen=True, slots=True)
class Scenario:
    """The assessor's estimates for one scenario, each a probability from 0 to 1."""

    scenario: str
    request: float
    compelled: float
    measures_fail: float

    @property
    def probability(self) -> float:
        return self.request * self.compelled * self.measures_fail


def overall_probability(scenarios: Sequence[Scenario]) -> float:
    """The probability that at least one scenario leads to disclosure."""
    return 1 - prod(1 - s.probability for s in scenarios)
