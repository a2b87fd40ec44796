"""Test-wide settings. Hypothesis runs derandomised in CI (the same examples every run,
so a red run can be reproduced and no run is flaky); locally it explores freely."""
import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
