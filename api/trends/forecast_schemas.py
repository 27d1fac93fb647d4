"""Response shapes of the forecasts, threshold projections and backtests of a trend."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from api.trends.schemas import (
    _INTERVAL,
    ExcludedCounts,
    Interval,
    TrendContext,
    TrendFit,
    TrendWindow,
)

_DATE_LIMIT = {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}
DateInterval = Annotated[
    tuple[dt.date | None, dt.date | None],
    Field(json_schema_extra={"items": _DATE_LIMIT, "minItems": 2, "maxItems": 2}),
]


class ForecastResponse(TrendContext):
    """The fitted line extrapolated to a date, or the date at which it reaches a value."""

    ci: float
    question: str = Field(
        description="`date` (the value at a date) or `value` (the date of a value)."
    )
    date: dt.date | None = Field(
        description="The date asked, or the date the line reaches "
        "`value` (null: never, or beyond year 9999)."
    )
    decimal_year: float | None
    value: float | None = Field(description="The line's value at `date` (null if it overflows).")
    log10_value: float | None
    mean_interval: Interval = Field(
        description=f"Interval of the line at `date`, in value units; {_INTERVAL}"
    )
    prediction_interval: Interval = Field(
        description=f"Where one new model at `date` falls, in value units; {_INTERVAL}"
    )
    date_interval: DateInterval | None = Field(
        description="value= only: the dates whose line interval contains `value` (Fieller); "
        "null limits when the slope's interval includes zero."
    )
    slope_interval_includes_zero: bool
    extrapolated: bool = Field(description="The date lies outside the fitted models' dates.")
    fit: TrendFit = Field(description="The log-linear fit this forecast extrapolates.")


class ThresholdResponse(TrendContext):
    """How many models are above a value so far, and how many are projected by a date."""

    ci: float
    value: float = Field(description="The threshold (a model counts when its value >= it).")
    by: dt.date
    so_far: int = Field(description="Selected models with a value >= `value`.")
    counted_until: dt.date | None = Field(description="Latest publication date in the data.")
    expected_new: float = Field(description="Expected new models above `value` by `by`.")
    projected: float = Field(description="so_far + expected_new.")
    projected_interval: Interval = Field(description=_INTERVAL)
    rate_per_year: float = Field(description="Assumed arrival rate of selected models.")
    rate_models: int = Field(description="Models published in the rate's window.")
    rate_years: float = Field(
        description="Length of the rate's window (years up to the latest publication date)."
    )
    fit: TrendFit = Field(description="The log-linear fit the projection extrapolates.")


class BacktestOrigin(BaseModel):
    """One origin: fit on the models before it, score the models of the next years."""

    origin: dt.date
    n_train: int = Field(description="Models before the origin (the fit's).")
    n_test: int = Field(description="Models in [origin, origin + horizon).")
    slope_oom_per_year: float | None = Field(description="The fit's slope (null: no fit).")
    median_error_oom: float | None = Field(
        description="Median of actual - predicted log10 value (positive: under-predicted)."
    )
    mean_absolute_error_oom: float | None = Field(description="Mean |actual - predicted|.")
    coverage: float | None = Field(
        description="Share of scored models inside their prediction interval."
    )
    reason: str | None = Field(description="Why the origin is not scored.")


class BacktestResponse(TrendContext):
    """Rolling-origin backtest of the trend."""

    window: TrendWindow
    ci: float
    n: int
    excluded: ExcludedCounts
    origins_from: dt.date
    horizon_years: int
    origins: list[BacktestOrigin]
    coverage: float | None = Field(
        description="Share of all scored models inside their prediction interval (nominal: `ci`)."
    )
    mean_absolute_error_oom: float | None = Field(
        description="Mean over scored origins of |median_error_oom|."
    )
    scored_points: int
