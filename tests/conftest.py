"""Test-wide settings.

Hypothesis: CI (CI=true, set by .ci/run) runs the "ci" profile: derandomised (examples
follow from each test's own code, so a run that passed passes again) and without the
example database. Elsewhere the "dev" profile explores new random examples each run.
Choose one explicitly with HYPOTHESIS_PROFILE=ci|dev.
"""
import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "dev"))
