"""Print what Run All costs for each notebook, in a fresh kernel: the kernel's CPU time and wall time.

Usage, from the project root:
    python benchmarks/bench_notebooks.py [notebooks/NAME.ipynb ...] [--profile N]

The goal (issue 17) is Run All in at most 20 s per notebook on a 2-core machine. The machine
this runs on is often shared, so the figure to compare is the kernel's CPU time (user + system,
read from /proc after each cell: what Run All costs when nothing else competes); wall time,
kernel start excluded, is printed beside it. The slowest cell is the one with the most CPU.
``--profile N`` also runs each notebook under cProfile inside the kernel (timed in CPU
seconds) and prints the N package functions (hpgwidgets, altair, ...) with the most cumulative
time, to show an owner where a notebook's time goes; profiling slows Python code down, so read
those figures as shares of the profiled total, not as the notebook's cost.
Prints figures; asserts nothing: cells that fail are counted and the run continues
(correctness is tests/test_notebooks.py's job).
"""

import argparse
import io
import os
import pstats
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
GOAL_SECONDS = 20
TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its threads so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15)


def run(path: Path, profile_to: Path | None = None) -> dict:
    """Run All in a fresh kernel: {"cpu": kernel CPU s, "wall": s, "cells": [(cell id, CPU s)], "errors": n}."""
    notebook = nbformat.read(path, as_version=4)
    if profile_to is not None:   # cProfile around every cell, in the kernel (the cells run on its main thread)
        notebook.cells.insert(0, nbformat.v4.new_code_cell(
            "import cProfile as _bench_cprofile, time as _bench_time\n"
            "_bench_profile = _bench_cprofile.Profile(_bench_time.process_time)\n_bench_profile.enable()"))
        notebook.cells.append(nbformat.v4.new_code_cell(
            f"_bench_profile.disable()\n_bench_profile.dump_stats({str(profile_to)!r})"))
    client = NotebookClient(notebook, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK_DIR)}}, allow_errors=True)
    marks = []   # (cell id, kernel CPU seconds after the cell, wall clock)

    def started(**_):
        client.kernel_pid = client.km.provisioner.process.pid
        marks.append(("start", process_cpu_seconds(client.kernel_pid), time.perf_counter()))

    def cell_done(cell, **_):
        marks.append((cell.get("id", "?"), process_cpu_seconds(client.kernel_pid), time.perf_counter()))

    client.on_notebook_start = started
    client.on_cell_complete = cell_done
    client.execute()
    cells = [(cell_id, cpu - previous_cpu) for (cell_id, cpu, _), (_, previous_cpu, _) in zip(marks[1:], marks)]
    errors = sum(output.output_type == "error" for cell in notebook.cells if cell.cell_type == "code"
                 for output in cell.outputs)
    return {"cpu": marks[-1][1] - marks[0][1], "wall": marks[-1][2] - marks[0][2], "cells": cells, "errors": errors}


def print_profile(profile: Path, top: int) -> None:
    """The ``top`` functions of the libraries (not the interpreter's internals) by cumulative time."""
    text = io.StringIO()
    stats = pstats.Stats(str(profile), stream=text)
    stats.sort_stats("cumulative").print_stats(r"(hpgwidgets|altair|ipywidgets|pandas|numba|scipy|numpy)/", top)
    lines = text.getvalue().splitlines()
    table = lines[next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")):]
    print("\n".join("    " + line for line in table if line.strip()))


def main(paths: list[str], profile_top: int) -> None:
    paths = [Path(path) for path in paths] or sorted(NOTEBOOK_DIR.glob("0*.ipynb"))
    print(f"Run All in a fresh kernel (kernel start excluded); goal <= {GOAL_SECONDS} s; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start")
    print(f"{'notebook':36s} {'CPU s':>6s} {'wall s':>7s}  slowest cell (CPU s)")
    for path in paths:
        with tempfile.TemporaryDirectory() as folder:
            profile = Path(folder) / "run.prof" if profile_top else None
            done = run(path, profile)
            slowest_id, slowest_cpu = max(done["cells"], key=lambda cell: cell[1])
            flag = "" if done["cpu"] <= GOAL_SECONDS else f"  OVER the {GOAL_SECONDS} s goal"
            flag += f"  ({done['errors']} cells with errors: see tests/test_notebooks.py)" if done["errors"] else ""
            print(f"{path.name:36s} {done['cpu']:6.1f} {done['wall']:7.1f}  {slowest_id} ({slowest_cpu:.1f}){flag}",
                  flush=True)
            if profile is not None:
                print_profile(profile, profile_top)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: notebooks/0*.ipynb)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also print the N slowest package functions of each notebook (cProfile)")
    arguments = parser.parse_args()
    main(arguments.notebooks, arguments.profile)
