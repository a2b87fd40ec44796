"""hpgwidgets"""

from . import quiz  # checks of understanding: MultipleChoice, Predict, Solution

__all__ = ["quiz"]
