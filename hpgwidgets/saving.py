"""What JupyterLab writes to disk when a workbook notebook is saved (``make lab`` installs this hook).

A live widget (a chart, a quiz, the workbench) is stored in a notebook as a reference to a
model that exists only in the running kernel. Saved that way and reopened later, each one reads
"Error displaying widget: model not found". The pre-save hook below stores such outputs as a
plain sentence instead, so a reopened notebook says what to do: run the cell again.
"""
from __future__ import annotations

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NEEDS_A_KERNEL = ("[Interactive widget: it needs a running kernel. Run this cell (or Run All) to bring it back; "
                  "nothing is lost.]")


def widget_views_as_text(model: dict, **_context) -> None:
    """jupyter_server pre-save hook: replace widget outputs of a notebook by a plain note, in place.

    Other outputs (text, tables, pictures) are kept; saved widget state in the notebook metadata
    is dropped too, since it cannot bring the kernel-side models back.
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    notebook = model["content"]
    notebook.get("metadata", {}).pop("widgets", None)
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data")
            if isinstance(data, dict) and WIDGET_VIEW in data:
                output["data"] = {"text/plain": NEEDS_A_KERNEL}
                output.get("metadata", {}).pop(WIDGET_VIEW, None)
