# JupyterLab configuration for `make lab` (loaded with --config); see docs/notebooks.md.
import warnings
from pathlib import Path

from hpgwidgets.saving import widget_views_as_text

c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)

# Defaults for this workbook (lab/overrides.json): no news pop-up, no update checks, every cell
# kept in the page (windowing off) so widgets below the fold stay alive. Users can still change them.
c.LabApp.app_settings_dir = str(Path(__file__).resolve().parent)
c.LabApp.news_url = None
# A saved widget cannot be redrawn without its kernel: save a note saying so instead of a dangling reference.
c.FileContentsManager.pre_save_hook = widget_views_as_text
# jupyter_server applies this config again when the extensions load, so the hook "overrides"
# itself and warns at every start; only that harmless self-replacement is silenced.
warnings.filterwarnings("ignore", message=r"Overriding existing pre_save_hook \(widget_views_as_text\) with a new one "
                                          r"\(widget_views_as_text\)")
