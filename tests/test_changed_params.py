"""Moving the Workbench's diagram day sends the browser only what that day changes.

The messages are caught where ipywidgets hands them to the kernel's comm; what the browser
does with them is checked in tests/browser/test_diagram_day_browser.py.
"""
import json

import ipywidgets
import pytest

import hpgwidgets as hpg
from hpgwidgets import charts, diagram


@pytest.fixture
def sent(monkeypatch):
    """Every widget message sent from now on, as (widget, message)."""
    messages = []
    original = ipywidgets.Widget._send

    def recording(widget, message, buffers=None):
        messages.append((widget, message))
        return original(widget, message, buffers)

    monkeypatch.setattr(ipywidgets.Widget, "_send", recording)
    return messages


def test_a_day_move_sends_the_changed_params_alone_and_no_chart_state(sent):
    wb = hpg.Workbench()
    before, after = diagram.diagram_params(wb.result, 0), diagram.diagram_params(wb.result, 21)
    sent.clear()
    wb.controls["cursor_day"].value = 21
    to_charts = [message for widget, message in sent if widget in (wb.chart_widget, wb.diagram_widget)]
    assert to_charts == []                        # the series (about 33 KB) is not sent again
    custom = [message["content"]["params"] for widget, message in sent if widget is wb.view.changed_params]
    changed = {name: value for name, value in after.items() if value != before[name]}
    assert diagram.DAY_PARAM in changed and diagram.STRENGTH_PARAM in changed
    assert custom == [{wb.chart_widget.model_id: {charts.CURSOR_PARAM: 21.0}, wb.diagram_widget.model_id: changed}]
    assert sum(len(json.dumps(message, default=str)) for _widget, message in sent) < 3000


def test_the_kernel_holds_what_the_browser_was_sent(sent):
    # a view drawn later (the cell shown again) starts from the kernel's state
    wb = hpg.Workbench()
    wb.controls["cursor_day"].value = 40
    assert wb.chart_widget._params[charts.CURSOR_PARAM] == 40 and wb.chart_widget.params.cursor_day == 40
    assert wb.diagram_widget._params == {**wb.diagram_widget._params, **diagram.diagram_params(wb.result, 40)}
    assert wb.diagram_widget.params.diagram_day == 40


def test_only_values_that_changed_are_sent(sent):
    wb = hpg.Workbench()
    wb.controls["cursor_day"].value = 21
    sent.clear()
    wb.view.changed_params.move({wb.chart_widget: {charts.CURSOR_PARAM: 21.0, "origin_day": 0.0}})
    assert sent == []
    wb.view.changed_params.move({wb.diagram_widget: {diagram.DAY_PARAM: 22.0,
                                                     diagram.ACTIVE_PARAM: wb.diagram_widget._params[diagram.ACTIVE_PARAM]}})
    assert [message for _widget, message in sent] == [
        {"method": "custom", "content": {"params": {wb.diagram_widget.model_id: {diagram.DAY_PARAM: 22.0}}}}]


def test_a_new_simulation_after_a_day_move_still_sends_the_whole_chart(sent):
    wb = hpg.Workbench()
    wb.controls["cursor_day"].value = 30
    sent.clear()
    wb.controls["trt_dose"].value = 150
    states = [message["state"] for widget, message in sent
              if widget is wb.chart_widget and message.get("method") == "update"]
    assert len(states) == 1 and states[0]["_params"][charts.CURSOR_PARAM] == 30
    assert states[0]["_params"]["series"] == wb.chart_widget.params.series
