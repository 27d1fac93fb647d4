"""How a fit is estimated (``method=``, ``interval=``, ``boot=``, ``seed=``): OLS or Theil-Sen,
t or bootstrap intervals, and the words that say so."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Final

import numpy as np

from api.errors import InvalidParameterError
from api.trends.metrics import IntervalMethod, Method
from api.trends.series import Series
from api.trends.stats.bootstrap import bootstrap_fit
from api.trends.stats.fit import LogLinearFit
from api.trends.stats.robust import theil_sen_fit

DEFAULT_BOOT: Final = 2000
DEFAULT_SEED: Final = 0

THEIL_SEN_METHOD: Final = (
    " method=theil-sen: the slope is the Theil-Sen estimate (scipy.stats.theilslopes: the "
    "median of the slopes of all pairs of models with distinct dates; the line passes through "
    "median(log10 value) - slope * median(year)), its interval Sen's rank-based one at level "
    "ci; r_squared and residual_std_oom are those of this line; slope_stderr and the line's "
    "intervals are null."
)


def bootstrap_text(boot: int, seed: int) -> str:
    """The bootstrap, in words."""
    return (
        f" interval=bootstrap: percentile intervals from {boot} case resamples (models drawn "
        f"with replacement, numpy default_rng(seed={seed})), refitted by OLS; growth and "
        "doubling-time limits are the slope's limits mapped through 10^s and 12*log10(2)/s; "
        "slope_stderr is the standard deviation of the resampled slopes; resamples whose models "
        "share one date are dropped."
    )


@dataclass(frozen=True)
class Estimation:
    """The estimator and the intervals of a fit."""

    method: Method = Method.ols
    interval: IntervalMethod = IntervalMethod.t
    boot: int = DEFAULT_BOOT
    seed: int = DEFAULT_SEED

    @property
    def default(self) -> bool:
        """OLS with t intervals: how every endpoint without estimation parameters fits."""
        return self.method is Method.ols and self.interval is IntervalMethod.t

    def __post_init__(self) -> None:
        """A 400 for a combination that is not offered: no such estimation exists."""
        if self.method is Method.theil_sen and self.interval is IntervalMethod.bootstrap:
            raise InvalidParameterError(
                "interval",
                "interval=bootstrap is offered with method=ols only; Theil-Sen has its own "
                "rank-based interval (interval=t)",
            )

    def describe(self) -> dict[str, object]:
        """The settings that differ from the defaults, as given."""
        out: dict[str, object] = {}
        if self.method is not Method.ols:
            out["method"] = self.method.value
        if self.interval is not IntervalMethod.t:
            out.update(interval=self.interval.value, boot=self.boot, seed=self.seed)
        return out

    def text(self) -> str:
        """What this estimation adds to the OLS description."""
        if self.method is Method.theil_sen:
            return THEIL_SEN_METHOD
        if self.interval is IntervalMethod.bootstrap:
            return bootstrap_text(self.boot, self.seed)
        return ""

    def apply(self, fit: LogLinearFit, series: Series) -> LogLinearFit:
        """``fit`` (OLS, t) re-estimated as asked."""
        if self.default:
            return fit
        y = np.log10(series.values)
        if self.method is Method.theil_sen:
            return theil_sen_fit(fit, series.years, y)
        return bootstrap_fit(fit, series.years, y, self.boot, self.seed)


#: The query parameters of an estimation (``api.trends.params.estimation`` declares them).
ESTIMATION_PARAMETERS: Final = tuple(field.name for field in fields(Estimation))
