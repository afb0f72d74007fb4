"""The README's Python walk through runs as written."""

import re


def test_the_readme_walk_through_runs():
    with open("README.md", encoding="utf-8") as f:
        text = f.read()
    section = text[text.index("## Python"):text.index("## Layout")]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1
    namespace = {}
    exec(compile(blocks[0], "README.md (## Python)", "exec"), namespace)
    assert set(namespace["fit"].params) == {"mu", "omega", "alpha", "beta"}
    assert len(namespace["scores"]) == 10
    assert namespace["result"].metrics["models"]
