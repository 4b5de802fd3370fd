"""An injected clock and sleep for the Okta client's tests: sleeps are recorded and advance the clock."""
from __future__ import annotations


class FakeTime:
    """Nothing really waits: `sleep` records the seconds and moves `clock` forward by them."""

    def __init__(self, start):
        self.now = start
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
