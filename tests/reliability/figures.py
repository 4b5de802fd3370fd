"""The figures the reliability suite proves, counted while it runs and printed at the end of `pytest`.

One process-wide tally: tests add to it only after their assertions passed for what they count as
"survived" or "passed", so a figure printed is a figure proven.
"""
from __future__ import annotations

import collections

FIGURES = collections.Counter()

# (label, counters) lines of the summary, in the order printed.
SUMMARY = (
    ("faults injected {faults_injected}, survived {faults_survived}", ("faults_injected", "faults_survived")),
    ("check-mode runs {check_runs}, writes seen {check_writes}", ("check_runs", "check_writes")),
    ("outputs scanned {outputs_scanned}, secrets found {secrets_found}", ("outputs_scanned", "secrets_found")),
    ("bad-input cases {bad_input_tried} tried, {bad_input_passed} passed", ("bad_input_tried", "bad_input_passed")),
    ("TLS cases {tls_tried} tried, {tls_passed} passed", ("tls_tried", "tls_passed")),
    ("concurrent runs {concurrent_runs}, end state right {concurrent_right}", ("concurrent_runs", "concurrent_right")),
)


def add(**counts):
    for name, value in counts.items():
        FIGURES[name] += int(value)


def summary_line():
    """One line with every figure the run touched, or None when no reliability test ran."""
    if not FIGURES:
        return None
    parts = [label.format(**{name: FIGURES[name] for name in names})
             for label, names in SUMMARY if any(name in FIGURES for name in names)]
    return "reliability: " + "; ".join(parts)
