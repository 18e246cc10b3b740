"""The dbt project handle, in its own module (dagster-dbt's packaging tools want it that way).

The manifest Dagster builds its asset graph from is produced by ``dbt parse``; it is refreshed
only when a file of the dbt project is newer than it, so loading the code location stays cheap.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from dagster_dbt import DbtProject

from pipelines.ingest.errors import PmoError

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"
WAREHOUSE_ENV = "PMO_WAREHOUSE_PATH"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def _newest_source_mtime() -> float:
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        sources += [p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file()]
    return max(path.stat().st_mtime for path in sources if path.exists())


def ensure_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than any project file."""
    manifest = dbt_project.manifest_path
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime():
        return manifest
    env = dict(os.environ)
    # Parsing renders the profile but never opens the warehouse: any path will do.
    env.setdefault(WAREHOUSE_ENV, str(Path(tempfile.gettempdir()) / "pmo-parse.duckdb"))
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
        parsed.replace(manifest)
    return manifest
