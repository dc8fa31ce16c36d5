"""Find the data shipped with the package: criteria sets, templates and example submissions."""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path


def _data_dir(package: str, folder: str) -> Traversable:
    try:
        return resources.files(package)
    except ModuleNotFoundError:  # running from a source checkout: the folders sit beside the package
        return Path(__file__).resolve().parent.parent / folder


def criteria_dir() -> Traversable:
    """Return the folder of the criteria sets shipped with coursereview."""
    return _data_dir("coursereview._criteria", "criteria")


def templates_dir() -> Traversable:
    """Return the folder of the jinja2 templates shipped with coursereview."""
    return _data_dir("coursereview._templates", "templates")


def examples_dir() -> Traversable:
    """Return the folder of the example submissions shipped with coursereview."""
    return _data_dir("coursereview._examples", "examples")
