"""Trend statistics for log-scale growth of deep-learning quantities.

Pure functions only: numbers in, numbers out (no FastAPI, no database).

The core method is ordinary least squares of ``log10(value)`` on the decimal year of
publication, so a slope is measured in orders of magnitude (OOM) per year.  All confidence
intervals are two-sided at level ``ci`` and use Student-t quantiles from ``scipy.stats.t``.

Conventions shared by every result type:

* No float field is ever NaN or infinite.  Where a quantity does not exist or cannot be
  represented (an unbounded confidence limit, a doubling time for a shrinking quantity, a value
  that overflows a float) it is ``None``, and a ``*_reason`` field says why where it matters.
* :class:`~api.trends.stats.numeric.DegenerateFitError` (a ``ValueError``) is raised, with a
  machine-readable ``reason``, when the data cannot support a fit.  Other invalid arguments
  raise a plain ``ValueError``.

Modules: :mod:`.numeric` (input types, the error, intervals, float-safe helpers), :mod:`.dates`
(decimal years), :mod:`.fit` (one log-linear fit), :mod:`.compare` (two slopes),
:mod:`.breakpoint` (the best single break), :mod:`.piecewise` (up to three breaks chosen by
BIC), :mod:`.robust` (Theil-Sen), :mod:`.bootstrap` (case resampling), :mod:`.forecast`
(the line at a date and the date of a value), :mod:`.threshold` (models above a value by a
date), :mod:`.backtest` (rolling origins), :mod:`.selection` (top N at release) and
:mod:`.summaries` (descriptive statistics and records). Import from the module that
defines a name.
"""
