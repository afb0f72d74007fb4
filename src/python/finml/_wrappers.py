"""One line per command: Python functions over finml's subcommands."""

from ._commands import invoke
from ._io import frame_from_csv


def directory_command(*words):
    """A function running ``finml <words>`` that writes a directory: returns a Result."""

    def call(out=None, overwrite=False, **settings):
        return invoke(list(words), settings, out=out, overwrite=overwrite)[0]

    call.__name__ = words[-1]
    call.__doc__ = (f"Runs ``finml {' '.join(words)}`` with ``settings`` as its flags "
                    "(DataFrames are passed as CSV files) and returns the finml.Result of its "
                    f"output directory. See ``finml {' '.join(words)} --help`` for the settings.")
    return call


def file_command(*words, name="out.csv"):
    """A function running ``finml <words>`` that writes one CSV: returns it as a DataFrame (and
    keeps it at ``out`` when given)."""

    def call(out=None, **settings):
        result, path = invoke(list(words), settings, out=out, file_name=name)
        frame = frame_from_csv(path)
        frame.attrs["finml_result"] = result
        return frame

    call.__name__ = words[-1]
    call.__doc__ = (f"Runs ``finml {' '.join(words)}`` with ``settings`` as its flags and returns "
                    f"the CSV it writes as a DataFrame. See ``finml {' '.join(words)} --help``.")
    return call
