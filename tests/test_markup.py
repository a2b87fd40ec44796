"""No markup from data: strings from files and users show literally in HTML widgets.

The browser half (no script runs in real JupyterLab) is tests/browser/test_markup_browser.py.
"""
import html

import pytest

import hpgwidgets as hpg
from hpgwidgets import markup

ATTACK = '<img src=x onerror="window.hpgInjected=1">'


@pytest.mark.parametrize("value", [ATTACK, "<script>alert(1)</script>", "a & b", "'quoted' \"text\""])
def test_text_escapes_every_markup_character_and_round_trips(value):
    shown = markup.text(value)
    assert not any(character in shown for character in "<>\"'")
    assert html.unescape(shown) == value


def test_code_wraps_escaped_text():
    assert markup.code("<b>") == "<code>&lt;b&gt;</code>"


def test_workbench_status_shows_a_loaded_title_and_a_saved_path_as_text(tmp_path):
    wb = hpg.Workbench()
    path = tmp_path / f"{ATTACK.replace('/', '')}.json"
    wb.to_scenario(title=ATTACK, notes=ATTACK).save(path)
    wb.controls["scenario_file"].value = str(path)
    wb.controls["load_scenario"].click()
    status = wb.export_status.value
    assert "<img" not in status and markup.text(ATTACK) in status

    wb.controls["save_scenario"].click()
    status = wb.export_status.value
    assert "<img" not in status and markup.text(path) in status
