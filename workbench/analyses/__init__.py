"""Analyses: one sub-package per domain, small functions over canonical tables.

Heavy work over order lines is pushed into the engine (Ibis); statistics run on small results.
Imports the data layer's schema, never the runner or the CLI.
"""
