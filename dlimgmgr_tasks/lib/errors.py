"""The one exception the library raises for a problem the user can fix.

Task modules turn it into ``invoke.Exit(message, code=1)``: one line, no traceback.
"""


class UserError(Exception):
    """A problem in the user's input or environment, explained in one line."""
