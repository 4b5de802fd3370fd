"""The figures the integration and reliability suites measured (tests/reliability/figures.py), printed at the
end of the pytest run, whichever of the two ran."""
from __future__ import annotations

from tests.reliability import figures


def pytest_terminal_summary(terminalreporter):
    lines = figures.summary_lines()
    if lines:
        terminalreporter.write_sep("=", "reliability figures")
        for line in lines:
            terminalreporter.write_line(line)
