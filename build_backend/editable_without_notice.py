"""The build backend: setuptools, without the notice an editable install always prints.

``pip install -e .`` (what ``make lab`` and ``make test`` run) ends, with setuptools alone, in
"BuildBackendWarning: Editable installation. Please be careful with folders in your working
directory with the same name as your package...". setuptools emits it as ``InformationOnly``,
a warning class it keeps for messages that are not warnings, at every editable install of a
package whose folders are mapped (``data/`` ships as ``hpgwidgets.data``), and no setting
turns it off. So only that class, and only while the editable wheel is built, is left out;
every other warning (bad metadata, deprecations) still reaches the user. Every other hook is
setuptools' own.
"""
import warnings

from setuptools import build_meta
from setuptools.build_meta import *  # noqa: F401,F403  (the other PEP 517/660 hooks, unchanged)
from setuptools.warnings import InformationOnly


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=InformationOnly)
        return build_meta.build_editable(wheel_directory, config_settings, metadata_directory)
