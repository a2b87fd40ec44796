"""Build the static course site: execute every notebook, write the generated pages, run Sphinx.

Usage, from the project root (`make site` runs it, then adds the JupyterLite site under lite/):
    python site/build.py [--out build/site] [--jobs 2]

Steps:
1. Each notebook in notebooks/ runs in a fresh kernel (working directory notebooks/, as in
   JupyterLab), after site/static_outputs.py, which makes widgets and charts display as static
   HTML. The executed copies go to <out>-src/notebooks/, each headed by its launch links.
2. Pages built from the package's data: the glossary (the table of notebook 00), the references
   (every paper, with the notebooks whose run cited it) and the model's evidence table.
3. Sphinx (myst-nb, sphinx-book-theme; settings in site/conf.py) writes the HTML to --out.
Nothing here uses the network.
"""
from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from docutils.nodes import make_id
from nbclient import NotebookClient

SITE = Path(__file__).resolve().parent
ROOT = SITE.parent
NOTEBOOKS = ROOT / "notebooks"
# Reading order: the tiers, then the case studies, then the lecturer's dashboard.
NOTEBOOK_ORDER = ("00", "01", "02a", "02b", "03a", "03b", "04", "classroom")
BINDER = "https://mybinder.org/v2/gh/hpgwidgets/hpgwidgets/HEAD?urlpath=lab/tree/notebooks/{name}"
# JupyterLite's lab app, served from lite/ next to the pages (make lite-build LITE_OUT=<out>/lite).
JUPYTERLITE = "../lite/lab/index.html?path={name}"
CELL_TIMEOUT_S = 600
CITED_MARKER = "hpg-site-cited:"


def ordered_notebooks() -> list[Path]:
    """Every notebook in notebooks/, in reading order; one missing from NOTEBOOK_ORDER is an error."""
    found = {path.stem.split("_")[0]: path for path in NOTEBOOKS.glob("*.ipynb")}
    unknown = sorted(set(found) - set(NOTEBOOK_ORDER))
    if unknown:
        raise SystemExit(f"notebooks {unknown} have no place in site/build.py NOTEBOOK_ORDER; add them there")
    return [found[key] for key in NOTEBOOK_ORDER if key in found]


def launch_cell(name: str) -> nbformat.NotebookNode:
    links = (
        f'<nav class="hpg-launch" aria-label="Run this notebook">'
        f'<a class="hpg-launch-lite" href="{html.escape(JUPYTERLITE.format(name=name))}">Open in JupyterLite</a>'
        f'<a class="hpg-launch-binder" href="{html.escape(BINDER.format(name=name))}">Open on Binder</a>'
        f'<span class="hpg-launch-note">JupyterLite runs in your browser, from this site; Binder starts a server for you.</span>'
        "</nav>"
    )
    return nbformat.v4.new_markdown_cell(links)


def execute(path: Path) -> tuple[nbformat.NotebookNode, list[str]]:
    """The notebook run top to bottom with static outputs; and the reference keys its run cited."""
    notebook = nbformat.read(path, as_version=4)
    setup = nbformat.v4.new_code_cell(f"import runpy; runpy.run_path({str(SITE / 'static_outputs.py')!r})")
    cited = nbformat.v4.new_code_cell(
        f"import json, hpgwidgets.references; print({CITED_MARKER!r} + json.dumps(hpgwidgets.references.used_citations()))")
    notebook.cells = [setup, *notebook.cells, cited]
    NotebookClient(notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    marker_output = "".join(output.get("text", "") for output in notebook.cells[-1].outputs)
    keys = json.loads(marker_output.split(CITED_MARKER, 1)[1])
    notebook.cells = notebook.cells[1:-1]
    # No widget outputs remain (static_outputs.py), so no widget state: the page loads no widget manager.
    notebook.metadata.pop("widgets", None)
    return notebook, keys


def write_notebook_page(path: Path, source: Path) -> tuple[str, list[str]]:
    notebook, keys = execute(path)
    notebook.cells.insert(0, launch_cell(path.name))
    target = source / "notebooks" / path.name
    nbformat.write(notebook, target)
    print(f"executed {path.name}", flush=True)
    return path.stem, keys


def first_heading(notebook: nbformat.NotebookNode) -> str:
    for cell in notebook.cells:
        match = re.search(r"^# (.+)$", cell.source, re.M) if cell.cell_type == "markdown" else None
        if match:
            return match[1].strip()
    raise ValueError("a notebook page needs a '# ' heading")


def glossary_page() -> str:
    """The glossary is kept in notebook 00; the site shows that same table."""
    start_here = nbformat.read(NOTEBOOKS / "00_start_here.ipynb", as_version=4)
    for cell in start_here.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## Glossary"):
            body = cell.source.split("\n", 1)[1]
            return ("# Glossary\n\nThe words the workbook uses, as notebook "
                    "[00 · Start here](notebooks/00_start_here.ipynb) defines them.\n" + body + "\n")
    raise SystemExit("notebooks/00_start_here.ipynb has no '## Glossary' cell")


def references_page(cited_by: dict[str, list[str]], source: Path) -> str:
    """Every paper in data/references.bib, with links to the notebooks whose run cited it."""
    from hpgwidgets.references import bibliography, format_reference

    titles = {stem: first_heading(nbformat.read(source / "notebooks" / f"{stem}.ipynb", as_version=4))
              for stems in cited_by.values() for stem in stems}
    lines = ["# References", "",
             "Every paper and document the workbook rests on, from the package's citation data "
             "(`data/references.bib`). Under each: the notebooks that cite it when they run, and the "
             "model page when a model parameter or a calibration target comes from it.", ""]
    for key in sorted(bibliography(), key=lambda key: format_reference(key).lower()):
        lines.append(f"({key})=")
        lines.append(f"**{markdown_text(format_reference(key))}**  ")
        # "03b · Academic tier, part 2: who recovers..." is linked as "03b · Academic tier, part 2"
        where = [f"[{markdown_text(titles[stem].split(':')[0])}](notebooks/{stem}.ipynb)"
                 for stem in cited_by.get(key, [])]
        lines.append("Cited in: " + ("; ".join(where) if where else "the [model page](model.md) and the package data"))
        lines.append("")
    return "\n".join(lines)


def markdown_text(text: str) -> str:
    """Plain text safe inside Markdown: characters Markdown would read as markup are escaped."""
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)


EVIDENCE_COLUMNS = {"quantity": "What was measured", "population": "Who", "treatment": "Treatment",
                    "published": "Published", "model": "Model", "unit": "Unit", "accepted": "Accepted band",
                    "within": "Model in band", "source": "Source"}


def evidence_table() -> str:
    """The published observations the model is checked against, with the model's own figure;
    each source links to its entry on the references page."""
    from hpgwidgets.calibration import calibration_table

    table = calibration_table()[list(EVIDENCE_COLUMNS)]
    table["model"] = table["model"].map(lambda value: f"{value:.3g}")
    table["within"] = table["within"].map({True: "yes", False: "no"})
    rendered = table.rename(columns=EVIDENCE_COLUMNS).to_html(index=False, escape=True, border=0,
                                                              classes="hpg-evidence")
    # The last cell of a row is a BibTeX key (letters, digits, _); the references page labels each
    # entry with its key, which Sphinx turns into an HTML id the docutils way.
    rendered = re.sub(r"<td>([a-z][a-z0-9_]*)</td>(\s*</tr>)",
                      lambda match: f'<td><a href="references.html#{make_id(match[1])}">{match[1]}</a></td>{match[2]}',
                      rendered)
    return f"<div class=\"hpg-table-scroll\">\n{rendered}\n</div>\n"


def build(out: Path, jobs: int) -> None:
    # The Sphinx sources and pickles sit next to the output folder, so two builds never share them.
    source, doctrees = out.with_name(out.name + "-src"), out.with_name(out.name + "-doctrees")
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(SITE / "pages", source)
    (source / "notebooks").mkdir()
    # the model page includes docs/model.md as it is now
    shutil.copyfile(ROOT / "docs" / "model.md", source / "model_notes.md")
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        cited = dict(pool.map(lambda path: write_notebook_page(path, source), ordered_notebooks()))
    cited_by: dict[str, list[str]] = {}
    for stem, keys in cited.items():
        for key in keys:
            cited_by.setdefault(key, []).append(stem)
    (source / "glossary.md").write_text(glossary_page(), encoding="utf-8")
    (source / "references.md").write_text(references_page(cited_by, source), encoding="utf-8")
    (source / "evidence-table.html").write_text(evidence_table(), encoding="utf-8")
    # -E: a fresh environment every time (the copied pages keep their old modification times)
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-c", str(SITE), "-E", "-d", str(doctrees),
                    "-W", "--keep-going", "-q", str(source), str(out)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at once (one kernel each)")
    arguments = parser.parse_args()
    if arguments.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {arguments.jobs}")
    build(arguments.out.resolve(), arguments.jobs)


if __name__ == "__main__":
    main()
