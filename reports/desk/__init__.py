"""The review desk: a small local web page to work through the review queue."""

from reports.desk.app import DeskConfig, create_app

__all__ = ["DeskConfig", "create_app"]
