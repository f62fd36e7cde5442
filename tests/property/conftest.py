"""Hypothesis profiles for the fuzz tests (tests/property/test_fuzz.py).

Registered here, not loaded: the fuzz tests take their settings with `settings.get_profile`, so the other
property tests keep their own example counts. SENIORMODE_FUZZ=nightly (`./bootstrap.sh fuzz`) picks the long run;
SENIORMODE_FUZZ=<number> runs that many examples per target (a quick look while fixing).
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings

settings.register_profile(
    "seniormode-fuzz",
    max_examples=2_000,
    # A hang is a failure: one lint of one small file takes milliseconds; 5 s leaves room for a slow CI machine.
    deadline=timedelta(seconds=5),
    derandomize=False,  # a new corner every run; hypothesis prints the seed and a reproduction blob on failure
    print_blob=True,
    # The inputs are whole files (a mutated 15 KB catalog, a 100 KB line), built from many draws on purpose:
    # generating them is slower and bigger than hypothesis expects of a typical strategy.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
settings.register_profile("seniormode-fuzz-nightly", parent=settings.get_profile("seniormode-fuzz"),
                          max_examples=10_000)

