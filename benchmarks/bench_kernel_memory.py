"""Print what one student's kernel costs: the setup cell's time and the kernel's memory after
``Workbench()``, in a fresh IPython kernel (the one JupyterLab, Voila and JupyterHub start).

Usage, from the project root: python benchmarks/bench_kernel_memory.py [--repeat N]
The goal (issue 12) is under 170 MiB resident after ``Workbench()``; the figure multiplied by a
class size is what a JupyterHub needs (docs/deployment.md). Prints figures; asserts nothing.

Memory is the kernel process's resident set (VmRSS) and its peak (VmHWM), read from /proc
after each step. The setup cell is notebook 01's, as it stands (its second code cell: the one
after the JupyterLite install cell).
"""

import argparse
import json
import statistics
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
GOAL_MIB = 170

SETUP_NOTEBOOK = ROOT / "notebooks" / "01_fundamentals.ipynb"


def setup_cell() -> str:
    code_cells = [cell for cell in json.loads(SETUP_NOTEBOOK.read_text())["cells"] if cell["cell_type"] == "code"]
    return "".join(code_cells[1]["source"])


# The steps a student's kernel goes through, as the notebooks and the classroom dashboard run them.
STEPS = (
    ("empty kernel", "pass"),
    ("setup cell", setup_cell()),
    ("Workbench()", "from hpgwidgets import Workbench\nbench = Workbench()"),
    ("one redraw", "bench.controls['trt_dose'].value = bench.controls['trt_dose'].value * 1.5"),
)


def kernel_memory_mib(pid: int) -> tuple[float, float]:
    """(resident, peak resident) of a process in MiB, from /proc/<pid>/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) * 1024 / MIB
    return fields["VmRSS"], fields["VmHWM"]


def run_once() -> list[tuple[str, float, float, float]]:
    """[(step, seconds, resident MiB, peak MiB)] for one fresh kernel."""
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(ROOT))
    try:
        pid = manager.provisioner.process.pid
        rows = []
        for name, code in STEPS:
            started = time.perf_counter()
            reply = client.execute_interactive(code, timeout=300, output_hook=lambda message: None)
            seconds = time.perf_counter() - started
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{name} failed in the kernel: {reply['content'].get('evalue')}")
            resident, peak = kernel_memory_mib(pid)
            rows.append((name, seconds, resident, peak))
        loaded = client.execute_interactive(
            "import sys; print('vl_convert' in sys.modules)", timeout=60,
            output_hook=lambda message: rows.append(("vl-convert loaded", 0.0, 0.0, 0.0))
            if message["msg_type"] == "stream" and message["content"]["text"].strip() == "True" else None,
        )
        assert loaded["content"]["status"] == "ok"
        return rows
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main(repeat: int) -> None:
    runs = [run_once() for _ in range(repeat)]
    print(f"fresh IPython kernel, {repeat} run(s); median of the runs")
    print(f"{'step':20s} {'seconds':>8s} {'RSS MiB':>8s} {'peak MiB':>9s}")
    for index, (name, *_rest) in enumerate(STEPS):
        seconds = statistics.median(run[index][1] for run in runs)
        resident = statistics.median(run[index][2] for run in runs)
        peak = statistics.median(run[index][3] for run in runs)
        print(f"{name:20s} {seconds:8.2f} {resident:8.0f} {peak:9.0f}")
    after_workbench = statistics.median(run[2][2] for run in runs)
    verdict = "under" if after_workbench < GOAL_MIB else "OVER"
    print(f"kernel after Workbench(): {after_workbench:.0f} MiB, {verdict} the {GOAL_MIB} MiB goal")
    if any(len(run) > len(STEPS) for run in runs):
        print("vl-convert was loaded in the kernel (it should only load for PNG/SVG export)")
    else:
        print("vl-convert was not loaded in the kernel")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="fresh kernels to measure (default 3)")
    main(parser.parse_args().repeat)
