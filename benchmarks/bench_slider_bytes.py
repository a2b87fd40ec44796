"""Bytes a Workbench slider move sends to the browser, widget by widget.

Builds a Workbench in this process (no browser: the widgets' messages are counted as ipywidgets
hands them to the kernel's comm, JSON and binary buffers), moves a few controls one notch and
back, and prints the bytes each move sent per widget, and, for the time-series chart, per param.
Latency in a real browser is benchmarks/bench_browser_latency.py.

Run: .venv/bin/python benchmarks/bench_slider_bytes.py
"""
from __future__ import annotations

import json
import sys
from collections import Counter

import ipywidgets

import hpgwidgets as hpg

CONTROLS = ("trt_dose", "trt_weeks", "age", "cursor_day")


def main() -> int:
    sent = Counter()
    original = ipywidgets.Widget._send

    def counting(widget, message, buffers=None):
        sent[type(widget).__name__] += len(json.dumps(message, default=str)) + sum(len(b) for b in buffers or ())
        return original(widget, message, buffers)

    ipywidgets.Widget._send = counting
    workbench = hpg.Workbench()
    print(f"{'control moved':<14} {'bytes sent':>10}  by widget")
    for name in CONTROLS:
        control = workbench.controls[name]
        for step in (+1, -1):          # one notch and back, so every move starts from the default
            sent.clear()
            if hasattr(control, "index"):
                control.index = control.index + step
            else:
                control.value = control.value + step * control.step
            by_widget = ", ".join(f"{widget} {count}" for widget, count in sent.most_common())
            print(f"{name:<14} {sum(sent.values()):>10}  {by_widget}")
    params = workbench.chart_widget._params
    print("\nthe time-series chart's params, bytes of JSON each:")
    for name, value in sorted(params.items(), key=lambda item: -len(json.dumps(item[1]))):
        print(f"  {name:<20} {len(json.dumps(value)):>7}")
    series = params["series"]
    print(f"  series: {len(series['day'])} rows; by column: "
          + ", ".join(f"{column} {len(json.dumps(values))}" for column, values in series.items()))
    ipywidgets.Widget._send = original
    return 0


if __name__ == "__main__":
    sys.exit(main())
