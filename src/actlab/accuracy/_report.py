"""``check``: the accuracy table and the stability audit, as one report."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._audit import Finding, stability_audit
from ._table import MAX_ULP, MEDIAN_ULP, AccuracyRow, accuracy_table


@dataclass
class CheckReport:
    rows: list[AccuracyRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.rows) and not self.findings

    def as_dict(self) -> dict:
        return {
            "passed": self.passed,
            "targets": {"max_ulp": MAX_ULP, "median_ulp": MEDIAN_ULP},
            "accuracy": [r.as_dict() for r in self.rows],
            "stability": [f.as_dict() for f in self.findings],
        }

    def format(self) -> str:
        lines = [format_table(self.rows), ""]
        if self.findings:
            lines.append(f"stability audit: {len(self.findings)} problem(s)")
            lines += [f"  {f}" for f in self.findings]
        else:
            lines.append(
                "stability audit: no warnings, no non-finite results for finite "
                "input, dtype kept, limits at +-inf and NaN propagation correct"
            )
        verdict = "all targets met" if self.passed else "TARGETS MISSED"
        lines.append(
            f"targets: max <= {MAX_ULP:g} ulp, median <= {MEDIAN_ULP:g} ulp: {verdict}"
        )
        return "\n".join(lines)


def _fmt(x) -> str:
    if x is None:
        return "-"
    if x == float("inf"):
        return "all"
    return f"{x:.3g}"


def _worst(row) -> str:
    return f"{row.worst_at:.4g}" if row.max_ulp > 0 else "-"


def format_table(rows: list[AccuracyRow]) -> str:
    """A fixed-width text table of accuracy rows."""
    head = (
        f"{'activation':<22} {'dtype':<8} {'form':<12} {'max ulp':>8} {'median':>7} "
        f"{'worst at z':>11} {'near 0':>9} {'ovfl':>5} {'exact |z|<':>10} {'ok':>3}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        near = f"{r.near_zero}:{r.near_zero_max_ulp:.2g}" if r.near_zero else "-"
        lines.append(
            f"{r.activation:<22} {r.dtype:<8} {r.form:<12} {r.max_ulp:>8.2f} "
            f"{r.median_ulp:>7.2f} {_worst(r):>11} {near:>9} "
            f"{r.overflow or '-':>5} "
            f"{_fmt(r.lossless_below):>10} {'yes' if r.passed else 'NO':>3}"
        )
    return "\n".join(lines)


def check(activations, dtypes=(np.float32, np.float64)) -> CheckReport:
    """Accuracy table and stability audit for each activation."""
    report = CheckReport()
    for act in activations:
        report.rows += accuracy_table(act, dtypes)
        report.findings += stability_audit(act, dtypes)
    return report
