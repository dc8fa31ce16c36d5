"""Find the data shipped with the package: criteria sets, templates and example submissions."""

from __future__ import annotations

import importlib
from pathlib import Path


def _data_dir(package: str, folder: str) -> Path:
    """Return the folder holding ``package``'s files, or ``folder`` beside the package in a source checkout.

    The data packages are plain folders of files, found from the import system's path for them
    (importlib.resources would load zipfile and tempfile into every run for the same answer).
    """
    try:
        locations = list(importlib.import_module(package).__path__)
    except ModuleNotFoundError:
        locations = []
    if locations:
        return Path(locations[0])
    return Path(__file__).resolve().parent.parent / folder  # running from a source checkout


def criteria_dir() -> Path:
    """Return the folder of the criteria sets shipped with coursereview."""
    return _data_dir("coursereview._criteria", "criteria")


def templates_dir() -> Path:
    """Return the folder of the jinja2 templates shipped with coursereview."""
    return _data_dir("coursereview._templates", "templates")


def examples_dir() -> Path:
    """Return the folder of the example submissions shipped with coursereview."""
    return _data_dir("coursereview._examples", "examples")
