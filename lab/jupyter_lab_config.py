# JupyterLab configuration for `make lab` (loaded with --config); see docs/notebooks.md.
from pathlib import Path

from hpgwidgets.saving import widget_views_as_text

c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)

# Defaults for this workbook (lab/overrides.json): no news pop-up, no update checks, every cell
# kept in the page (windowing off) so widgets below the fold stay alive. Users can still change them.
c.LabApp.app_settings_dir = str(Path(__file__).resolve().parent)
c.LabApp.news_url = None
# A saved widget cannot be redrawn without its kernel: save a note saying so instead of a dangling reference.
c.FileContentsManager.pre_save_hook = widget_views_as_text
