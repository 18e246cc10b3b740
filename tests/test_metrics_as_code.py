"""The README's worked example: a PMO analyst adds a reporting model in SQL + YAML, and it reaches
the published catalog with its metric metadata without any Python change."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.publish.catalog import build_catalog

ROOT = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).parent / "dbt"


def readme_block(after: str, language: str) -> str:
    """The first fenced block of ``language`` after the line containing ``after``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    tail = text[text.index(after) :]
    match = re.search(rf"```{language}\n(.*?)```", tail, re.DOTALL)
    assert match, f"no ```{language} block after {after!r} in README.md"
    return (
        "\n".join(
            line[3:] if line.startswith("   ") else line for line in match.group(1).splitlines()
        )
        + "\n"
    )


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_readme_metric_example_reaches_the_catalog(demo_run, tmp_path: Path):
    assert demo_run.returncode == 0, demo_run.stderr[-2000:]
    project = tmp_path / "dbt_project"
    shutil.copytree(ROOT / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs"))
    reporting = project / "models" / "reporting"
    (reporting / "rpt_labour_rate_monthly.sql").write_text(
        readme_block("`dbt_project/models/reporting/rpt_labour_rate_monthly.sql`", "sql")
    )
    (reporting / "_labour_rate.yml").write_text(
        readme_block("Describe it in a YAML file beside it", "yaml")
    )
    warehouse = tmp_path / "pmo.duckdb"
    shutil.copyfile(demo_run.data_dir / "warehouse" / "pmo.duckdb", warehouse)
    env = {"PMO_WAREHOUSE_PATH": str(warehouse), "PATH": str(DBT.parent)}
    result = subprocess.run(
        [
            str(DBT),
            "build",
            "--select",
            "rpt_labour_rate_monthly",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            "--target-path",
            str(tmp_path / "target"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    con = duckdb.connect(str(warehouse))
    catalog = build_catalog(tmp_path / "target" / "manifest.json", con, repo=ROOT, run_id="t")
    model = next(m for m in catalog["models"] if m["name"] == "rpt_labour_rate_monthly")
    metric = next(c for c in model["columns"] if c["name"] == "labour_cost_per_hour")["metric"]
    assert metric["label"] == "Labour cost per hour" and metric["good_when"] == "lower"
    assert model["row_count"] > 0
    # The new metric is a plain ratio of the mart's own sums, computed in SQL.
    check = con.execute(
        "select count(*) from rpt_labour_rate_monthly as r join ("
        " select project_code, reporting_month, sum(actual_labour_cost) as cost,"
        " sum(logged_hours) as hours from fct_project_financials_monthly group by all) as f"
        " using (project_code, reporting_month)"
        " where f.hours > 0 and abs(r.labour_cost_per_hour - f.cost / f.hours) > 1e-9"
    ).fetchall()[0][0]
    assert check == 0
    con.close()
