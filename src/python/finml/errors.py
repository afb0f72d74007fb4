"""finml's errors as Python exceptions, with the messages the command line prints.

Every error finml raises is a :class:`Error`; catch that to catch them all. The subclasses also
derive from the built-in exception a Python user would expect (``ValueError`` for bad input or
settings, ``OSError`` for files), so ``except ValueError`` keeps working.
"""


class Error(Exception):
    """Base class of every finml error."""


class InvalidInputError(Error, ValueError):
    """The data or an argument is not usable; the message names the fix."""


class DataError(InvalidInputError):
    """A problem at a place in a data file: ``file``, ``line`` and ``column`` say where
    (1-based; 0 when unknown). For a DataFrame the file is ``<DataFrame>`` and the line counts
    the CSV header as line 1, so row ``i`` (0-based) is line ``i + 2``."""

    def __init__(self, message, file="", line=0, column=0):
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column


class ConfigError(Error, ValueError):
    """A setting is unknown, out of range or inconsistent (also usage mistakes)."""


class IoError(Error, OSError):
    """A file could not be read or written."""


class InternalError(Error, RuntimeError):
    """A bug in finml: please report it with the message."""
