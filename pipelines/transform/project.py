"""The dbt project handle, in its own module (dagster-dbt's packaging tools want it that way).

The manifest Dagster builds its asset graph from is produced by ``dbt parse``; it is refreshed
only when a file of the dbt project is newer than it, so loading the code location stays cheap.
The same parse leaves the install's parse state beside it, the one every data directory's first
build starts from (see ``parse_ahead``).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from dagster_dbt import DbtProject

from pipelines.environment import child_environment
from pipelines.errors import PmoError
from pipelines.transform.parse_ahead import (
    DBT_EXECUTABLE,
    DBT_PROJECT_DIR,
    INSTALL_PARSE_STATE,
    INSTALL_PARSE_VARS,
    INSTALL_WAREHOUSE_NAME,
    PARSE_STATE,
    WAREHOUSE_ENV,
    install_parse_state,
    newest_project_mtime,
)

__all__ = [
    "DBT_EXECUTABLE",
    "DBT_PROJECT_DIR",
    "WAREHOUSE_ENV",
    "dbt_project",
    "ensure_manifest",
    "read_manifest",
]

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def ensure_manifest() -> Path:
    """Parse the dbt project when its manifest or parse state is missing or older than any
    project file."""
    manifest = dbt_project.manifest_path
    fresh = manifest.exists() and manifest.stat().st_mtime >= newest_project_mtime()
    if fresh and install_parse_state() is not None:
        return manifest
    # Parsing renders the profile but never opens the warehouse: any folder will do, the file
    # name is a data directory's (it names the database relations are qualified with).
    env = child_environment(
        **{WAREHOUSE_ENV: str(Path(tempfile.gettempdir()) / "pmo-parse" / INSTALL_WAREHOUSE_NAME)}
    )
    manifest.parent.mkdir(parents=True, exist_ok=True)
    # parsed into a folder of its own, then moved into place in one step: processes that parse
    # at the same time never read a half-written manifest
    with tempfile.TemporaryDirectory(prefix=".parse-", dir=manifest.parent) as scratch:
        result = subprocess.run(
            [
                str(DBT_EXECUTABLE),
                "parse",
                "--quiet",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                scratch,
                "--vars",
                json.dumps(INSTALL_PARSE_VARS),
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        parsed = Path(scratch) / manifest.name
        if result.returncode != 0 or not parsed.exists():
            detail = (result.stdout + result.stderr).strip().splitlines()[-5:]
            raise PmoError("the dbt project does not parse:\n" + "\n".join(detail))
        state = Path(scratch) / PARSE_STATE
        if state.exists():
            state.replace(INSTALL_PARSE_STATE)
        parsed.replace(manifest)
    return manifest


def read_manifest() -> dict[str, Any]:
    """The install's manifest (parsed first when stale), as JSON."""
    return json.loads(ensure_manifest().read_text(encoding="utf-8"))
