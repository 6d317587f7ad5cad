"""The operators' and supervisors' shells over :mod:`core`: the Textual app and the command line.

Importing this package does not import Textual; only starting the app does.
"""
