"""Print what one student's kernel costs in memory and CPU, beside a bare kernel, in the same run.

Usage, from the project root: python benchmarks/bench_kernel_memory.py [--repeat N] [--without-numba]

Two fresh IPython kernels (the kind JupyterLab, Voila and JupyterHub start), one after the other:
- bare: imports numpy, ipywidgets and Altair and shows a trivial chart (any notebook with
  charts and widgets costs this much);
- hpgwidgets: notebook 01's setup cell (its second code cell, after the JupyterLite install
  cell), then a displayed ``Workbench()``, then one slider move.
The goal (issue 17) is at most 150 MiB after the Workbench; both USS and anonymous memory are
compared with it. Figures per step: the kernel's CPU seconds (user + system, from /proc: unaffected
by other load), its USS (unique set: private pages, what closing the kernel frees), its anonymous
memory (the part of USS a second kernel cannot share: file-backed pages of numba's LLVM, numpy, ...
are private here only because no other kernel maps them; a server running a class shares them
between kernels) and its peak resident set. Medians of --repeat runs.
--without-numba adds a third kernel: the same steps with numba refused, so the model runs as
plain Python (as in JupyterLite; 15-20x slower a run): what a kernel that never loads LLVM (an
ahead-of-time compiled model, for example) would cost, for comparison only.
Prints figures; asserts nothing.
"""

import argparse
import json
import os
import statistics
from pathlib import Path

from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parent.parent
GOAL_MIB = 150
TICKS = os.sysconf("SC_CLK_TCK")
SETUP_NOTEBOOK = ROOT / "notebooks" / "01_fundamentals.ipynb"
# Modules whose presence in the kernel says what it paid for.
WATCHED = ("pandas", "scipy.signal", "scipy.special", "scipy.linalg", "numba", "coverage", "cffi", "jsonschema",
           "rfc3987_syntax", "vl_convert")


def setup_cell() -> str:
    code_cells = [cell for cell in json.loads(SETUP_NOTEBOOK.read_text())["cells"] if cell["cell_type"] == "code"]
    return "".join(code_cells[1]["source"])


KERNELS = {
    "bare": (
        ("empty kernel", "pass"),
        ("numpy, ipywidgets, altair", "import numpy as np\nimport ipywidgets\nimport altair as alt"),
        ("a trivial chart shown", "alt.JupyterChart(alt.Chart(alt.Data(values=[{'x': 1, 'y': 2}]))"
                                  ".mark_point().encode(x='x:Q', y='y:Q'))"),
    ),
    "hpgwidgets": (
        ("empty kernel", "pass"),
        ("setup cell (notebook 01)", setup_cell()),
        ("Workbench() shown", "bench = hpg.Workbench()\nbench"),
        ("one slider move", "bench.controls['trt_dose'].value = bench.controls['trt_dose'].value * 1.5"),
    ),
}
KERNELS_WITHOUT_NUMBA = {
    "no numba": (("empty kernel", "import sys\nsys.modules['numba'] = None   # import numba fails: plain Python"),
                 *KERNELS["hpgwidgets"][1:]),
}
# The row compared: the bare kernel's chart and the hpgwidgets kernel's Workbench, both shown.
COMPARED_STEP = 2


def memory_mib(pid: int) -> dict:
    """USS, anonymous and peak resident memory of a process, in MiB (/proc/<pid>/smaps_rollup, status)."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, value = line.partition(":")
        fields[name] = int(value.split()[0]) / 1024
    peak = next(int(line.split()[1]) / 1024 for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                if line.startswith("VmHWM:"))
    return {"uss": fields["Private_Clean"] + fields["Private_Dirty"], "anon": fields["Anonymous"], "peak": peak}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def run_kernel(steps) -> tuple[list[dict], list[str]]:
    """[{step, cpu, uss, anon, peak}] for one fresh kernel, and the WATCHED modules it loaded."""
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(ROOT / "notebooks"))
    try:
        pid = manager.provisioner.process.pid
        rows = []
        for name, code in steps:
            before = cpu_seconds(pid)
            reply = client.execute_interactive(code, timeout=600, output_hook=lambda message: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{name} failed in the kernel: {reply['content'].get('evalue')}")
            rows.append({"step": name, "cpu": cpu_seconds(pid) - before, **memory_mib(pid)})
        printed = []
        client.execute_interactive(
            f"import sys; print(' '.join(name for name in {WATCHED!r} if sys.modules.get(name) is not None))", timeout=60,
            output_hook=lambda message: printed.append(message["content"]["text"])
            if message["msg_type"] == "stream" else None)
        return rows, "".join(printed).split()
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main(repeat: int, without_numba: bool = False) -> None:
    print(f"fresh IPython kernels, {repeat} run(s) each, medians; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    print(f"{'kernel':11s} {'step':28s} {'CPU s':>6s} {'USS MiB':>8s} {'anon MiB':>9s} {'peak RSS':>9s}")
    final = {}
    for kernel, steps in {**KERNELS, **(KERNELS_WITHOUT_NUMBA if without_numba else {})}.items():
        runs = [run_kernel(steps) for _ in range(repeat)]
        for index, (name, _code) in enumerate(steps):
            median = {key: statistics.median(run[0][index][key] for run in runs) for key in ("cpu", "uss", "anon", "peak")}
            print(f"{kernel:11s} {name:28s} {median['cpu']:6.2f} {median['uss']:8.0f} {median['anon']:9.0f} "
                  f"{median['peak']:9.0f}")
        after = {key: statistics.median(run[0][COMPARED_STEP][key] for run in runs) for key in ("uss", "anon")}
        after["cpu"] = statistics.median(sum(row["cpu"] for row in run[0][:COMPARED_STEP + 1]) for run in runs)
        final[kernel] = after
        print(f"{'':11s} loaded: {', '.join(runs[0][1]) or 'none of ' + ', '.join(WATCHED)}")
    bare, ours = final["bare"], final["hpgwidgets"]
    def verdict(kind):
        return "within" if ours[kind] <= GOAL_MIB else "OVER"

    print(f"hpgwidgets kernel after the Workbench is shown: {ours['uss']:.0f} MiB USS ({ours['uss'] / bare['uss']:.2f}x the bare "
          f"kernel's {bare['uss']:.0f}; {verdict('uss')} the {GOAL_MIB} MiB goal), {ours['anon']:.0f} MiB anonymous "
          f"({ours['anon'] / bare['anon']:.2f}x {bare['anon']:.0f}; {verdict('anon')} the goal)")
    print(f"kernel CPU up to that step: hpgwidgets {ours['cpu']:.1f} s, bare {bare['cpu']:.1f} s")
    if without_numba:
        plain = final["no numba"]
        print(f"the same kernel with the model as plain Python (no numba, no LLVM): {plain['uss']:.0f} MiB USS, "
              f"{plain['anon']:.0f} MiB anonymous: numba and LLVM cost {ours['uss'] - plain['uss']:.0f} MiB USS, "
              f"{ours['anon'] - plain['anon']:.0f} MiB anonymous")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="fresh kernels of each kind (default 3)")
    parser.add_argument("--without-numba", action="store_true",
                        help="also a kernel with numba refused (the model as plain Python), for comparison")
    arguments = parser.parse_args()
    main(arguments.repeat, arguments.without_numba)
