"""dbt's command line (``pmo-dbt``), with one parse state for every warehouse file.

dbt saves its parse of the project (``partial_parse.msgpack``) and reuses it only when the
connection settings are those it was made with. The warehouse file's path is one of them, so the
first build of every data directory (``pmo demo``, a new portfolio, each test's warehouse)
re-parsed the whole project: ~8 s of one core, for a manifest that does not depend on where the
file lies. What the manifest does depend on stays in the check: the database name every
relation is qualified with (the file's name without ``.duckdb``: always ``pmo`` in a data
directory), the other connection settings, the vars, the dbt version and the project's files.

Everything else is dbt's own command line, unchanged: this module only takes the path out of
that one comparison. Should dbt's parser stop looking as expected, dbt runs as it is (a full
parse where it would have made one anyway).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

WAREHOUSE_PATH_STAND_IN = "<warehouse>"


def _path_left_out(build_state_check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    @wraps(build_state_check)
    def state_check(loader: Any) -> Any:
        credentials = getattr(getattr(loader, "root_project", None), "credentials", None)
        path = getattr(credentials, "path", None)
        if not isinstance(path, str):
            return build_state_check(loader)
        credentials.path = WAREHOUSE_PATH_STAND_IN
        try:
            return build_state_check(loader)
        finally:
            credentials.path = path

    return state_check


def main() -> None:
    from dbt.cli.main import cli
    from dbt.parser.manifest import ManifestLoader

    check = getattr(ManifestLoader, "build_manifest_state_check", None)
    if callable(check):
        ManifestLoader.build_manifest_state_check = _path_left_out(check)  # type: ignore[method-assign]
    sys.exit(cli())


if __name__ == "__main__":
    main()
