"""Township power items (issue 18): the villages' household register, rural housing, collective assets,
special funds and finance, each item a project of its domain with its approval trail.

The entry point is `run.simulate_township`; this package file imports nothing, so that `profiles.py` can
import the conventions without a cycle.
"""
