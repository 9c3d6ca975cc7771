"""Presentation: number formatting, tables and sentences for reports. Imports no loader."""
from workbench.present import fmt, narrative, style, tables  # noqa: F401
