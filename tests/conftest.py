"""Test-wide settings.

Hypothesis: CI (CI=true, set by .ci/run) runs the "ci" profile: derandomised (examples
follow from each test's own code, so a run that passed passes again) and without the
example database. Elsewhere the "dev" profile explores new random examples each run.
"explore" (``make test-explore``) draws ten times as many, keeping failures in .hypothesis/.
Choose one explicitly with HYPOTHESIS_PROFILE=ci|dev|explore.
"""
import os

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

# No time limits in any profile: on a loaded machine (two CI runs on two cores) an example may
# take seconds, and a test must not fail because the machine is busy.
UNHURRIED = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.register_profile("ci", derandomize=True, database=None, **UNHURRIED)
settings.register_profile("dev", **UNHURRIED)
settings.register_profile("explore", max_examples=1000, database=DirectoryBasedExampleDatabase(".hypothesis/examples"),
                          **UNHURRIED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "dev"))
