"""Sphinx settings for the course site (site/build.py writes the sources to <out>-src).

Sphinx + myst-nb + sphinx-book-theme, which is what Jupyter Book 1 runs underneath; why this and
not Jupyter Book 2 is in docs/site.md. Everything a page loads is served from the site itself.
"""
from pathlib import Path

from hpgwidgets.offline import BUNDLE_PATH

project = "hpgwidgets: the HPG axis under treatment"
author = "hpgwidgets developers"
copyright = "hpgwidgets developers, MIT licence"

extensions = ["myst_nb"]
# Notebooks are executed by site/build.py (with static widget outputs), not again here.
nb_execution_mode = "off"
# myst-nb would load require.js and the widget manager from a CDN for widget outputs; the
# build leaves none, and nothing may come from outside the site.
nb_ipywidgets_js = {}
myst_enable_extensions = ["colon_fence", "deflist"]
# Headings get anchors, so the lecturer's guide can point to a section of a notebook.
myst_heading_anchors = 3
exclude_patterns = ["evidence-table.html", "model_notes.md"]
suppress_warnings = ["myst.header"]

html_theme = "sphinx_book_theme"
html_title = "hpgwidgets course"
html_static_path = [str(Path(__file__).parent / "_static"), str(BUNDLE_PATH.parent)]
html_css_files = ["hpg-site.css"]
html_js_files = [("hpg-site.js", {"type": "module"})]
# The notebook sources hold no answers in view, but their outputs carry every option's feedback:
# the site does not publish them (no "view source", no _sources/ copies).
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "navigation_with_keys": False,
}
html_last_updated_fmt = None
# The workbook's charts are drawn for a white page; a reader can still switch to dark.
html_context = {"default_mode": "light"}


MERMAID_NOTE = ("A flowchart written in Mermaid, which JupyterLab draws as a diagram; this site shows its "
                "text (drawing it needs mermaid.js, which none of the site's packages includes). The text after it "
                "describes the same diagram in words.")


def _mermaid_blocks_as_text(app, doctree, docname):
    """A ```mermaid fence is shown as its text with a note saying what it is (Pygments has no
    Mermaid lexer, so Sphinx would warn)."""
    import html

    from docutils import nodes

    for block in list(doctree.findall(nodes.literal_block)):
        if block.get("language") == "mermaid":
            figure = (f'<figure class="hpg-mermaid"><pre>{html.escape(block.astext())}</pre>'
                      f"<figcaption>{html.escape(MERMAID_NOTE)}</figcaption></figure>")
            block.replace_self(nodes.raw("", figure, format="html"))


def setup(app):
    app.connect("doctree-resolved", _mermaid_blocks_as_text)
