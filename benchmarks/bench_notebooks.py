"""Print how long each notebook takes to run top to bottom in a fresh kernel.

Usage, from the project root: python benchmarks/bench_notebooks.py [notebooks/NAME.ipynb ...]
The budget is 60 s per notebook on a 2-core machine (kernel start included). Prints figures;
asserts nothing: cells that fail are counted and the run continues (correctness is
tests/test_notebooks.py's job).
"""

import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
BUDGET_SECONDS = 60


def main(paths):
    paths = [Path(path) for path in paths] or sorted(NOTEBOOK_DIR.glob("*.ipynb"))
    print(f"{'notebook':40s} {'seconds':>8s}  slowest cell")
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(NOTEBOOK_DIR)}}, record_timing=True,
                                allow_errors=True)
        started = time.perf_counter()
        client.execute()
        elapsed = time.perf_counter() - started
        slowest_seconds, slowest_id = 0.0, "-"
        for cell in notebook.cells:
            timing = cell.metadata.get("execution", {})
            if "shell.execute_reply" in timing and "iopub.execute_input" in timing:
                seconds = (_stamp(timing["shell.execute_reply"]) - _stamp(timing["iopub.execute_input"]))
                if seconds > slowest_seconds:
                    slowest_seconds, slowest_id = seconds, cell.get("id", "?")
        errors = sum(output.output_type == "error" for cell in notebook.cells if cell.cell_type == "code"
                     for output in cell.outputs)
        flag = "" if elapsed < BUDGET_SECONDS else f"  OVER the {BUDGET_SECONDS} s budget"
        flag += f"  ({errors} cells with errors: see tests/test_notebooks.py)" if errors else ""
        print(f"{path.name:40s} {elapsed:8.1f}  {slowest_id} ({slowest_seconds:.1f} s){flag}")


def _stamp(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


if __name__ == "__main__":
    main(sys.argv[1:])
