"""How numbers and suggestions are written for people: hours, points, criteria values, "did you mean"."""

from __future__ import annotations


def fmt(value: float) -> str:
    """Return hours or points for people: ``40.0``, ``37.5``, ``22.33``."""
    text = f"{value:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def number(value: float) -> str:
    """Return a number from a criteria set for people: ``4``, ``30``, ``0.5``, ``37.5`` (no ``4.0``)."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return fmt(value)
