"""The figures the reliability suite measures, counted while it runs and printed at the end of `pytest`.

One process-wide tally. Each figure is read from what happened, never added because assertions passed:
the simulator's state and request log (faults by kind, writes, assignments, timestamps of writes), the
recorded results of the runs (check-mode module runs that ran, not skipped), the canary scans (outputs
read, secrets found by form), and the verdict of each case (bad input, TLS). A test adds its figures
before its assertions, so a failing test still shows what it saw.
"""
from __future__ import annotations

import collections

FIGURES = collections.Counter()

# (label, counters) lines of the summary, in the order printed; a line shows when a test touched one of
# its counters (a zero included: "writes applied twice 0" is a figure).
SUMMARY = (
    ("scenarios run {scenarios_run}, passed {scenarios_passed}", ("scenarios_run", "scenarios_passed")),
    ("faults injected: before the handler {faults_before_handler}, after the handler {faults_after_handler}, "
     "429 {faults_429}, 5xx {faults_5xx}, connection resets {faults_reset}",
     ("faults_before_handler", "faults_after_handler", "faults_429", "faults_5xx", "faults_reset")),
    ("writes applied twice {writes_applied_twice} (must be 0); assignments lost {assignments_lost}, "
     "extra {assignments_extra} (must be 0)", ("writes_applied_twice", "assignments_lost", "assignments_extra")),
    ("check-mode module runs that ran {check_runs} (skipped, not counted: {check_skipped}), writes seen {check_writes}",
     ("check_runs", "check_skipped", "check_writes")),
    ("outputs scanned {outputs_scanned} (of them at -vvvv --diff: {outputs_scanned_vvvv}); secrets found: "
     "raw {secrets_raw}, URL-escaped {secrets_url}, JSON-escaped {secrets_json}, XML/HTML-escaped {secrets_xml}",
     ("outputs_scanned", "outputs_scanned_vvvv", "secrets_raw", "secrets_url", "secrets_json", "secrets_xml")),
    ("bad-input cases {bad_input_tried} tried, {bad_input_passed} passed", ("bad_input_tried", "bad_input_passed")),
    ("TLS cases {tls_tried} tried, {tls_passed} passed", ("tls_tried", "tls_passed")),
    ("concurrent runs {concurrent_runs}, of them with write phases interleaved (server log) {concurrent_interleaved}",
     ("concurrent_runs", "concurrent_interleaved")),
    ("event-driven (ansible-rulebook): settings restored {eda_restored_ms} ms after the Admin Console change, audit "
     "runs {eda_audit_runs}, remediation runs {eda_remediation_runs}; push failures {eda_push_failures}, health runs "
     "{eda_health_runs}; credentials runs {eda_credentials_runs}; System Log events {eda_events}, delivered "
     "{eda_delivered}, repeated {eda_repeated} (restart included)",
     ("eda_restored_ms", "eda_audit_runs", "eda_remediation_runs", "eda_push_failures", "eda_health_runs",
      "eda_credentials_runs", "eda_events", "eda_delivered", "eda_repeated")),
)


def add(**counts):
    for name, value in counts.items():
        FIGURES[name] += int(value)


def summary_lines():
    """One line per group of figures the run touched (none when no reliability test ran)."""
    return [label.format(**{name: FIGURES[name] for name in names})
            for label, names in SUMMARY if any(name in FIGURES for name in names)]


def summary_line():
    """Every figure on one line, or None when no reliability test ran."""
    lines = summary_lines()
    return "reliability: " + "; ".join(lines) if lines else None
