"""Every value a user can hand the Workbench from Python: a clear error or exactly that value.

The constructor's keyword arguments and a control's ``value`` follow one rule
(``workbench.mapping.check_value``): TypeError for the wrong kind, ValueError naming the
control and what is allowed, and otherwise the control holds the very value given, never
cut (45.7 -> 45), clamped (200 -> 90) or converted ("yes" -> True).
"""
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hpgwidgets as hpg
from hpgwidgets.workbench import mapping

# The controls that hold a scenario value, and the diagram's day.
NAMES = [*mapping.default_values(), "cursor_day"]

ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.text(max_size=12),
    st.integers(min_value=-10, max_value=2_000), st.integers(),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(min_value=0, max_value=400),
    st.sampled_from([*mapping.TRT_DRUGS, *mapping.AGENTS, *mapping.TIMINGS, *mapping.GONADORELIN_MODES,
                     "mixed", "testicular", 0.5, 7.0, 100, 200.0, 1_000, np.int64(40), np.float64(3.5)]),
    st.lists(st.integers(), max_size=2),
)


@pytest.fixture(scope="module")
def shared_wb():
    return hpg.Workbench()


@pytest.mark.parametrize("start, kind, words", [
    ({"age": 200}, ValueError, "age must be a whole number (18 to 90 years), got 200"),
    ({"age": 45.7}, ValueError, "age must be a whole number (18 to 90 years), got 45.7"),
    ({"age": True}, TypeError, "age must be a whole number (18 to 90 years), got bool True"),
    ({"window_weeks": 1000}, ValueError, "window_weeks must be a whole number (4 to 208 weeks), got 1000"),
    ({"cursor_day": -5}, ValueError, "cursor_day must be a whole number (0 to 546 days"),
    ({"window_weeks": 4, "cursor_day": 100}, ValueError, "cursor_day must be a whole number (0 to 28 days"),
    ({"trt_drug": "hcg"}, ValueError, "trt_drug must be one of 'testosterone_cypionate'"),
    ({"baseline_testosterone": 123}, ValueError, "baseline_testosterone must be 0 (typical for the age) or one"),
    ({"baseline_sperm": float("nan")}, ValueError, "baseline_sperm must be a finite number"),
    ({"hcg": "yes"}, TypeError, "hcg (give this agent?) must be True or False, got str 'yes'"),
    ({"trt_dose": "200"}, TypeError, "trt_dose must be a number, got str '200'"),
    ({"trt_dose": 5000}, ValueError, "trt_dose = 5000 is outside the allowed range (0 to 700 mg"),
    ({"trt_every_days": 0}, ValueError, "trt_every_days = 0 is outside the allowed range"),
    ({"hcg_timing": "later"}, ValueError, "hcg_timing must be one of 'with_trt', 'recovery', 'both'"),
    ({"gonadorelin_mode": None}, TypeError, "gonadorelin_mode must be one of 'pump'"),
])
def test_the_constructor_refuses_what_the_controls_cannot_hold_and_says_what_is_allowed(start, kind, words):
    with pytest.raises(kind) as caught:
        hpg.Workbench(**start)
    assert words in str(caught.value)


def test_a_legal_value_is_held_exactly_even_off_the_slider(shared_wb):
    wb = hpg.Workbench(age=45.0, trt_dose=123, trt_every_days=30, cursor_day=np.int64(10))
    assert wb.settings.values["age"] == 45 and isinstance(wb.settings.values["age"], int)
    assert wb.settings.values["trt_dose"] == 123 and wb.settings.values["trt_every_days"] == 30
    assert wb.cursor_day == 10
    assert wb.regimen().doses[0].amount == 123


@pytest.mark.parametrize("name, value, kind", [
    ("age", 200, ValueError), ("age", 45.7, ValueError), ("age", True, TypeError), ("hcg", "yes", TypeError),
    ("window_weeks", 300, ValueError), ("cursor_day", -1, ValueError), ("trt_drug", "hcg", ValueError),
    ("baseline_testosterone", 123, ValueError), ("trt_dose", float("inf"), ValueError),
])
def test_setting_a_control_from_python_follows_the_same_rule(shared_wb, name, value, kind):
    before, result = dict(shared_wb.settings.values), shared_wb.result
    with pytest.raises(kind, match=name):
        shared_wb.controls[name].value = value
    assert shared_wb.settings.values == before and shared_wb.result is result


def check_outcome(wb_values: dict, cursor_day, name, value, problem):
    """A refusal names the control; an acceptance holds the value unchanged."""
    if problem is not None:
        assert isinstance(problem, (TypeError, ValueError)), repr(problem)
        assert name in str(problem)
        return
    held = cursor_day if name == "cursor_day" else wb_values[name]
    assert type(held) is not str or held == value
    assert held == value and not (isinstance(held, float) and math.isnan(held))
    assert isinstance(held, bool) == isinstance(value, (bool, np.bool_))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), value=ANY_VALUE)
def test_the_constructor_with_any_drawn_value_gives_a_clear_error_or_that_value(name, value):
    try:
        wb = hpg.Workbench(**{name: value})
    except Exception as problem:  # noqa: BLE001 - the assertion says which kinds are allowed
        check_outcome({}, None, name, value, problem)
        return
    check_outcome(wb.settings.values, wb.controls["cursor_day"].value, name, value, None)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(NAMES), value=ANY_VALUE)
def test_a_control_set_to_any_drawn_value_gives_a_clear_error_or_that_value(shared_wb, name, value):
    wb = shared_wb
    before = dict(wb.settings.values)
    try:
        wb.controls[name].value = value
    except Exception as problem:  # noqa: BLE001 - the assertion says which kinds are allowed
        check_outcome({}, None, name, value, problem)
        assert wb.settings.values == before  # a refused value moves nothing
        return
    check_outcome(wb.settings.values, wb.controls["cursor_day"].value, name, value, None)
    # what the model could not run is said in words, and the state stays one the model ran
    assert wb.problem or wb.result.t[-1] == wb.window_days


def test_applying_something_that_is_not_a_scenario_is_a_type_error(shared_wb):
    with pytest.raises(TypeError, match=r"scenario must be an hpg.Scenario .*got str 'trt_alone'"):
        shared_wb.apply_scenario("trt_alone")


def test_reading_a_control_that_does_not_exist_names_the_controls(shared_wb):
    with pytest.raises(ValueError, match="name must be one of 'trt_drug', 'trt_dose'"):
        shared_wb.controls_value("dose")
    with pytest.raises(TypeError, match="name must be one of 'trt_drug'"):
        shared_wb.controls_value(5)
    assert shared_wb.controls_value("trt_drug") == shared_wb.settings.widgets["trt_drug"].value
