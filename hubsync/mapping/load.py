"""`load_mapping`: the built-in mapping, changed by the TOML mapping file when there is one.

Above both `columns` (the built-in mapping and its types) and `file` (the mapping file),
which builds on `columns`; neither imports this module.
"""

from __future__ import annotations

from pathlib import Path

from hubsync.mapping.columns import Mapping, builtin_mapping
from hubsync.mapping.file import apply_mapping_file


def load_mapping(path: Path | None) -> Mapping:
    """The built-in mapping, changed by the TOML file at `path` when given.

    Raises ConfigError listing every problem in the file, each prefixed with its name.
    """
    base = builtin_mapping()
    return base if path is None else apply_mapping_file(base, path)
