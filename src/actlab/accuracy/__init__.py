"""Accuracy and stability of activations against 50-digit references.

``accuracy_table(act)`` measures forward, input-form and output-form
derivatives in ulps on a dense whole-range grid, in float32 and float64;
``stability_audit(act)`` looks for warnings, non-finite outputs, dtype drift,
wrong limits and lost NaNs; ``check(names)`` runs both and formats a report.
"""

from ._audit import Finding, stability_audit
from ._report import CheckReport, check, format_table
from ._table import (
    FORMS,
    MAX_ULP,
    MEDIAN_ULP,
    AccuracyRow,
    accuracy_table,
    grid,
    ulp_errors,
)

__all__ = [
    "FORMS",
    "MAX_ULP",
    "MEDIAN_ULP",
    "AccuracyRow",
    "CheckReport",
    "Finding",
    "accuracy_table",
    "check",
    "format_table",
    "grid",
    "stability_audit",
    "ulp_errors",
]
