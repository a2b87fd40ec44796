"""Proves the shared browser harness: a notebook runs in real JupyterLab and a widget renders."""
import nbformat


def write_notebook(path, sources):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(notebook, path)
    return path


def test_notebook_runs_and_ipywidgets_slider_renders_offline(
    tmp_path, run_notebook, console_errors, external_requests
):
    notebook = write_notebook(
        tmp_path / "harness.ipynb",
        [
            "print('answer', 6 * 7)",
            "import ipywidgets\nipywidgets.IntSlider(value=7, min=0, max=10, description='dose')",
        ],
    )
    run = run_notebook(notebook)
    page = run.page

    assert run.errors == []
    assert {"output_type": "stream", "name": "stdout", "text": "answer 42\n"} in run.outputs[0]
    assert page.locator(".jp-OutputArea-output").filter(has_text="answer 42").count() == 1

    # The widget view (not the "IntSlider(...)" text fallback) is drawn by the ipywidgets
    # labextension, and it reacts to the keyboard in the browser.
    slider = page.locator(".jupyter-widgets.widget-slider")
    slider.wait_for(state="visible", timeout=30_000)
    assert slider.locator(".widget-label").inner_text() == "dose"
    readout = slider.locator(".widget-readout")
    assert readout.inner_text() == "7"
    slider.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.innerText === '8'", arg=readout.element_handle(), timeout=10_000)

    assert console_errors == []
    assert external_requests == []
