"""Response shapes of ``/v1/trends/{metric}/...`` and ``/v1/stats/summary``.

Every interval is ``[low, high]`` at the response's ``ci`` level, ``null`` for an unbounded or
undefined limit. No number is ever NaN or infinite: what cannot be represented is ``null``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field

from api.listing.schemas import MetaInfo
from api.trends.citation import Citation
from api.trends.metrics import IntervalMethod, Method, Metric

# Pydantic describes a tuple with ``prefixItems`` only; ``items`` (the schema of every
# element, both limits here) lets tools that read OpenAPI's ``items`` (linters, client
# generators) see an array of numbers too. With maxItems 2 it adds no constraint.
_LIMIT_SCHEMA = {"anyOf": [{"type": "number"}, {"type": "null"}]}
Interval = Annotated[
    tuple[float | None, float | None],
    Field(json_schema_extra={"items": _LIMIT_SCHEMA, "minItems": 2, "maxItems": 2}),
]

_INTERVAL = "[low, high] at level `ci`; null for an unbounded limit."


class TrendWindow(BaseModel):
    """The requested date window and the publication dates the statistic actually used."""

    start: dt.date | None = Field(description="Requested start (inclusive); null: no bound.")
    end: dt.date | None = Field(description="Requested end (exclusive); null: no bound.")
    first_publication_date: dt.date | None = Field(
        description="Earliest publication date among the models used (null: none)."
    )
    last_publication_date: dt.date | None = Field(
        description="Latest publication date among the models used (null: none)."
    )


class ExcludedCounts(BaseModel):
    """Models matching the filters but left out, by reason."""

    no_value: int = Field(description="Models with no value for the metric.")
    non_positive: int = Field(description="Models whose value is <= 0 (no logarithm).")
    no_date: int = Field(
        default=0,
        description="Models without a publication date (in no date-based statistic); "
        "no_value and non_positive count dated models only.",
    )


class LinePoint(BaseModel):
    """The fitted line at one date."""

    date: dt.date = Field(description="The date.")
    decimal_year: float = Field(description="year + (day_of_year - 1) / days_in_year.")
    log10_value: float = Field(description="Fitted log10 of the metric at this date.")
    value: float | None = Field(description="10 ** log10_value (null if it overflows).")
    log10_value_ci: Interval = Field(description=f"Interval of the fitted mean; {_INTERVAL}")


class FittedLine(BaseModel):
    """The fitted line at the two ends of the window (requested bounds, else data bounds)."""

    start: LinePoint
    end: LinePoint


class TrendFit(BaseModel):
    """One OLS fit of log10(value) on decimal year, with the models it used."""

    window: TrendWindow
    n: int = Field(description="Models used: matching the filters, with a positive value.")
    excluded: ExcludedCounts
    ci: float = Field(description="Confidence level of every interval.")
    slope_oom_per_year: float = Field(description="Orders of magnitude per year.")
    slope_oom_per_year_ci: Interval = Field(description=_INTERVAL)
    slope_stderr: float | None = Field(
        description="Standard error of the slope (OOM/year); bootstrap: the standard deviation "
        "of the resampled slopes; null for method=theil-sen."
    )
    growth_per_year: float = Field(description="Growth factor per year: 10 ** slope.")
    growth_per_year_ci: Interval = Field(description=_INTERVAL)
    doubling_time_months: float | None = Field(
        description="12 * log10(2) / slope; null when the slope is <= 0 (see the note)."
    )
    doubling_time_months_ci: Interval = Field(
        description="The slope interval mapped through 12 * log10(2) / slope; the upper limit "
        "is null when the slope interval reaches 0, both when it lies at or below 0."
    )
    doubling_time_note: str | None = Field(
        description="Why the doubling time or a limit of its interval is null."
    )
    r_squared: float = Field(description="Share of the variance of log10(value) explained.")
    residual_std_oom: float = Field(description="Residual standard deviation, in OOM.")
    intercept_year: float = Field(description="Reference year of the intercept: 2000.0.")
    intercept_log10: float = Field(
        description="Fitted log10(value) at decimal year 2000.0 (a fixed reference year, so "
        "intercepts of different fits are comparable; an extrapolation for recent windows)."
    )
    intercept_log10_ci: Interval = Field(description=_INTERVAL)
    fitted_line: FittedLine
    estimator: Method = Field(description="How the slope and line were estimated.")
    interval_method: IntervalMethod = Field(description="How the intervals were computed.")


class TrendContext(BaseModel):
    """What every trend response says about how it was produced."""

    metric: Metric
    unit: str = Field(description="Unit of the metric's values.")
    method: str = Field(description="How the statistic was computed.")
    filters: dict[str, Any] = Field(description="The filters that were set, as given.")
    warnings: list[str] = Field(description="Caveats about this result, in words.")
    answer: str = Field(description="The result in one plain sentence, with its numbers.")
    meta: MetaInfo
    citation: Citation


class TrendResponse(TrendFit, TrendContext):
    """A single log-linear trend of one metric."""


class EraTrend(BaseModel):
    """The fit within one era (null when the era has too little data)."""

    slug: str
    name: str
    start_date: dt.date | None = Field(description="Era start (inclusive); null: open.")
    end_date: dt.date | None = Field(description="Era end (exclusive); null: open.")
    n: int = Field(description="Models with a positive value in the era and the window.")
    excluded: ExcludedCounts
    fit: TrendFit | None
    reason: str | None = Field(
        description="Why fit is null: too_few_points, single_distinct_date, outside_window..."
    )
    detail: str | None = Field(description="The reason in words.")


class ErasResponse(TrendContext):
    """One fit per era."""

    window: TrendWindow
    ci: float
    eras_source: str = Field(
        description="`era_table` (the eras of /v1/eras) or `builtin` (default boundaries)."
    )
    items: list[EraTrend]


class CompareResponse(TrendContext):
    """Fits before and after a date, and how their slopes compare."""

    window: TrendWindow
    ci: float
    split: dt.date = Field(description="`before`: date < split; `after`: date >= split.")
    before: TrendFit
    after: TrendFit
    ratio: float | None = Field(description="after / before slope (null if before is 0).")
    ratio_ci: Interval = Field(description=f"Fieller interval; {_INTERVAL}")
    ratio_ci_shape: str = Field(
        description="bounded; exclusive (two rays) or unbounded: both limits null."
    )
    difference_oom_per_year: float = Field(description="after - before slope.")
    difference_oom_per_year_ci: Interval = Field(description=_INTERVAL)
    ten_times_faster: bool | None = Field(
        description="true when the whole ratio interval is >= 10, false when it is bounded "
        "and below 10, null when the interval includes 10 or is unbounded."
    )
    answer: str = Field(description="The comparison in words, with its numbers.")
    comparison_method: str


class BreakpointResponse(TrendContext):
    """The break date that best splits the series into two lines."""

    window: TrendWindow
    ci: float
    n: int
    excluded: ExcludedCounts
    break_date: dt.date = Field(description="First publication date of the `after` segment.")
    break_decimal_year: float
    jump_oom: float = Field(description="after - before line at the break, in OOM.")
    jump_oom_ci: Interval = Field(description=_INTERVAL)
    before: TrendFit
    after: TrendFit
    single_line: TrendFit
    sse: float = Field(description="Residual sum of squares of the two lines (OOM^2).")
    sse_single_line: float = Field(description="Residual sum of squares of one line.")
    f_statistic: float | None = Field(description="Chow F on (2, n - 4) dof; null if infinite.")
    p_value: float = Field(description="Nominal p-value of the F test (see p_value_note).")
    p_value_note: str
    candidates_tested: int
    candidates_from: dt.date | None
    candidates_to: dt.date | None
    min_points_per_side: int
    piecewise: Piecewise | None = Field(
        default=None, description="Up to `max_breaks` breaks chosen by BIC (null unless asked)."
    )


class PiecewiseSegment(BaseModel):
    """One segment of a piecewise fit: from a break (inclusive) to the next (exclusive)."""

    start: dt.date | None = Field(description="First date of the segment (null: open).")
    end: dt.date | None = Field(description="Date of the next break (exclusive; null: open).")
    n: int
    slope_oom_per_year: float
    slope_oom_per_year_ci: Interval = Field(description=_INTERVAL)
    growth_per_year: float | None = Field(description="10 ** slope (null if it overflows).")
    growth_per_year_ci: Interval = Field(description=_INTERVAL)
    doubling_time_months: float | None = Field(description="Null when the slope is <= 0.")


class PiecewiseBreak(BaseModel):
    """What changes at one break."""

    date: dt.date = Field(description="First publication date of the segment after it.")
    jump_oom: float | None = Field(
        description="Step of the line (after - before, OOM); null without jumps (jump=false)."
    )
    jump_oom_ci: Interval = Field(description=_INTERVAL)
    slope_ratio: float | None = Field(description="Slope after / slope before.")
    slope_ratio_ci: Interval = Field(description=f"Fieller interval; {_INTERVAL}")
    slope_ratio_ci_shape: str = Field(description="bounded or unbounded (both limits null).")


class PiecewiseCandidate(BaseModel):
    """The best fit with a given number of breaks."""

    breaks: int
    break_dates: list[dt.date]
    sse: float
    bic: float = Field(description="n ln(sse/n) + (coefficients + breaks) ln n.")
    combinations_tested: int


class StoryCheck(BaseModel):
    """Whether the data support the claim that growth became ten times faster at a date."""

    claim: str
    claim_date: dt.date
    slope_ratio: float | None = Field(description="Slope after / before the claimed date.")
    slope_ratio_ci: Interval = Field(description=f"Fieller interval; {_INTERVAL}")
    jump_oom: float | None = Field(description="Step of the line at the date (jump=true).")
    jump_oom_ci: Interval = Field(description=_INTERVAL)
    supported: bool | None = Field(
        description="true: the whole ratio interval is >= 10; false: it is bounded and below "
        "10; null: it includes 10 or is unbounded."
    )


class Piecewise(BaseModel):
    """Piecewise fits with up to `max_breaks` breaks, the number chosen by BIC."""

    max_breaks: int
    jump: bool
    candidates: int = Field(description="Candidate break dates searched (thinned to <= 30).")
    chosen_breaks: int
    candidates_by_breaks: list[PiecewiseCandidate]
    segments: list[PiecewiseSegment]
    breaks: list[PiecewiseBreak]
    story: StoryCheck | None = Field(
        description="Null when the claimed date leaves a side with too few models."
    )
    method: str


class RecordItem(BaseModel):
    """A model that exceeded every earlier value when it was published."""

    slug: str
    name: str
    publication_date: dt.date
    value: float
    previous_record_value: float | None = Field(description="Null for the first record.")
    ratio_over_previous: float | None = Field(description="value / previous_record_value.")


class RecordsResponse(TrendContext):
    """The successive records of a metric."""

    window: TrendWindow
    n: int = Field(description="Models considered (positive value).")
    excluded: ExcludedCounts
    items: list[RecordItem]


class YearlyItem(BaseModel):
    """Distribution of one calendar year's values (only years with models)."""

    year: int
    count: int
    min: float
    median: float
    p90: float = Field(description="90th percentile, numpy's linear interpolation.")
    max: float
    geometric_mean: float


class YearlyResponse(TrendContext):
    """Per-year summary statistics of a metric."""

    window: TrendWindow
    n: int = Field(description="Models considered (positive value); the sum of counts.")
    excluded: ExcludedCounts
    items: list[YearlyItem]


class SummaryCounts(BaseModel):
    """How much the dataset holds."""

    models: int
    organizations: int = Field(description="Organizations credited with at least one model.")
    domains: int = Field(description="Domains of at least one model.")


class MetricCoverage(BaseModel):
    """How many models have a value for a metric."""

    metric: Metric
    field: str = Field(description="The model field behind the metric.")
    unit: str
    count: int
    share: float | None = Field(description="count / models (null when there are no models).")


class TiedModel(BaseModel):
    """Another model with the same largest value."""

    slug: str
    name: str
    publication_date: dt.date
    confidence: str | None = Field(description="Epoch AI's confidence in its estimates.")


class LargestModel(BaseModel):
    """The model with the largest value of a metric (the earliest published, when tied)."""

    metric: Metric
    unit: str
    slug: str
    name: str
    publication_date: dt.date | None = Field(description="Null when the source gives none.")
    value: float
    confidence: str | None = Field(
        description="Epoch AI's confidence in the estimates (Confident, Likely, Speculative, "
        "Unknown); null when unrated. A Speculative record is an order-of-magnitude guess."
    )
    ties: list[TiedModel] = Field(
        description="The other models with exactly the same value, in publication order."
    )


class MetricGrowth(BaseModel):
    """Growth of one metric over the summary's window."""

    metric: Metric
    unit: str
    n: int
    fit: TrendFit | None
    reason: str | None = Field(description="Why fit is null: too_few_points...")
    detail: str | None = Field(description="The reason in words.")
    warnings: list[str]


class SummaryResponse(BaseModel):
    """Headline figures over the whole dataset."""

    counts: SummaryCounts
    coverage: list[MetricCoverage]
    largest_model: LargestModel | None = Field(description="By parameters.")
    largest_dataset: LargestModel | None = Field(
        description="By training dataset size (units differ between domains)."
    )
    largest_training_run: LargestModel | None = Field(description="By training compute.")
    growth_since: dt.date = Field(description="Start of the growth fits (inclusive).")
    growth: list[MetricGrowth]
    method: str
    meta: MetaInfo
