"""What a finml command wrote, as Python objects: metrics as a dict, tables as DataFrames."""

import html
import os
import re

from ._io import frame_from_csv, read_json

_REPORTS = ("report.html", "tearsheet.html")


class Result:
    """A finml output directory.

    ``metrics`` is the dict ``metrics.json`` holds; every CSV the command wrote is a DataFrame
    under its file stem (``result.predictions``, or ``result.tables["predictions"]``) and every
    other JSON file a dict (``result.json["params"]``); ``report_path`` is the HTML report.
    In Jupyter a Result shows its headline metrics and files; ``show_report()`` embeds the report.
    """

    def __init__(self, directory, workspace=None):
        self.directory = os.fspath(directory)
        self._workspace = workspace  # keeps a temporary output alive as long as this object
        self._tables = {}
        self._json = {}

    def __repr__(self):
        return f"finml.Result({self.directory!r}, files={self.files()})"

    def files(self):
        found = []
        for root, _, names in os.walk(self.directory):
            for name in sorted(names):
                found.append(os.path.relpath(os.path.join(root, name), self.directory))
        return sorted(found)

    @property
    def metrics(self):
        return self.json.get("metrics", {})

    def _top_level(self, suffix):
        """The stems of the files directly in the directory that end in ``suffix``."""
        return sorted(name[:-len(suffix)] for name in os.listdir(self.directory)
                      if name.endswith(suffix)
                      and os.path.isfile(os.path.join(self.directory, name)))

    @property
    def tables(self):
        return {stem: self.table(stem) for stem in self._top_level(".csv")}

    @property
    def json(self):
        for stem in self._top_level(".json"):
            if stem not in self._json:
                self._json[stem] = read_json(os.path.join(self.directory, stem + ".json"))
        return self._json

    def table(self, stem):
        if stem not in self._tables:
            path = os.path.join(self.directory, stem + ".csv")
            if not os.path.exists(path):
                raise KeyError(f"{stem}.csv is not among this result's files: {self.files()}")
            self._tables[stem] = frame_from_csv(path)
        return self._tables[stem]

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if os.path.exists(os.path.join(self.directory, name + ".csv")):
            return self.table(name)
        if os.path.exists(os.path.join(self.directory, name + ".json")):
            return self.json[name]
        raise AttributeError(f"no {name}.csv or {name}.json in {self.directory}")

    def model(self, name):
        """The saved model ``models/<name>`` of a run, as a :class:`finml.Model` that keeps this
        result (and so a temporary output directory) alive."""
        from . import Model
        return Model(os.path.join(self.directory, "models", name), keep=self)

    @property
    def report_path(self):
        for name in _REPORTS:
            path = os.path.join(self.directory, name)
            if os.path.exists(path):
                return path
        return None

    def show_report(self, height=800):
        """The HTML report inline in Jupyter, wherever its directory is: the page and the chart
        library it loads from beside it go into the notebook (about 5 MB, as Plotly's offline
        mode embeds its library too)."""
        from IPython.display import HTML  # only in a notebook

        return HTML(f'<iframe srcdoc="{html.escape(self.report_html(), quote=True)}" '
                    f'style="width:100%;height:{int(height)}px;border:0"></iframe>')

    def report_html(self):
        """The report as one self-contained page: the scripts it loads from its directory are
        written into it."""
        if self.report_path is None:
            raise FileNotFoundError(f"{self.directory} has no report")
        with open(self.report_path, encoding="utf-8") as f:
            page = f.read()

        def inline(match):
            path = os.path.join(self.directory, match.group(1))
            if "/" in match.group(1) or not os.path.isfile(path):
                return match.group(0)
            with open(path, encoding="utf-8") as script:
                return "<script>" + script.read().replace("</script", "<\\/script")

        return re.sub(r'<script src="([^"]+)">', inline, page)

    def _repr_html_(self):
        rows = "".join(
            f"<tr><td>{html.escape(k)}</td><td>{html.escape(_short(v))}</td></tr>"
            for k, v in _headline(self.metrics))
        files = ", ".join(html.escape(f) for f in self.files())
        report = (f'<p>report: <a href="{html.escape(os.path.relpath(self.report_path))}" '
                  f'target="_blank">{html.escape(self.report_path)}</a></p>'
                  if self.report_path else "")
        table = f"<table><tr><th>metric</th><th>value</th></tr>{rows}</table>" if rows else ""
        return (f"<div><b>finml result</b> <code>{html.escape(self.directory)}</code>"
                f"{table}{report}<p>files: {files}</p></div>")


def _headline(metrics, prefix="", limit=40):
    """Scalar metrics, flattened with dotted keys, at most ``limit`` of them."""
    out = []

    def walk(value, key):
        if len(out) >= limit:
            return
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{key}.{k}" if key else str(k))
        elif isinstance(value, (int, float, str, bool)):  # None says nothing at a glance
            out.append((key, value))

    walk(metrics, prefix)
    return out


def _short(value):
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)
