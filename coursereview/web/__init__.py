"""The web application: directors check a program in the browser and submit it; a JSON API for institutes."""

from coursereview.web.app import create_app
from coursereview.web.settings import Settings, SettingsError

__all__ = ["Settings", "SettingsError", "create_app"]
