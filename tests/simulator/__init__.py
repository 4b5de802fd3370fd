"""Okta + Salesforce simulator for the collection's tests, benchmark and demo (see README.md)."""
from .simulator import Simulator

__all__ = ["Simulator"]
