"""Serve the dashboards: ``pmo dashboard`` and ``make demo`` call :func:`serve`.

Streamlit runs as a child process so the CLI stays thin and a crash of the app never takes the
caller's process with it. The data directory reaches the app through ``PMO_DATA_DIR``.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from pipelines.environment import DATA_DIR_ENV, child_environment, read_environment

APP = Path(__file__).resolve().parent / "streamlit_app.py"

# How the app's scripts run, served or under test. Magic (a bare expression written to the page)
# is off: the pages write everything through explicit calls, and it spares each page an AST
# round trip, whose depth check Python 3.11 gets wrong when a garbage collection inside it runs
# a finaliser that parses code too.
RUNNER_OPTIONS: dict[str, bool] = {"runner.magicEnabled": False}


def command(port: int) -> list[str]:
    """The streamlit command line (also used by the browser tests)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        # executives see the app, not Streamlit's developer menu (theme choice stays)
        "--client.toolbarMode",
        "viewer",
        # table exports go through the app's own CSV/XLSX buttons, which neutralise formulas;
        # Streamlit's built-in table export would not
        "--client.disableDataExport",
        "true",
        *(part for name, on in RUNNER_OPTIONS.items() for part in (f"--{name}", str(on).lower())),
    ]


def environment(data_dir: Path) -> dict[str, str]:
    return child_environment(**{DATA_DIR_ENV: str(Path(data_dir).expanduser().resolve())})


def serve(data_dir: Path, port: int) -> int:
    """Run the app on ``port`` for ``data_dir`` until interrupted; returns streamlit's exit code."""
    process = subprocess.Popen(command(port), env=environment(data_dir))
    # stopped by a service manager (SIGTERM): stop streamlit too rather than orphan it
    previous = signal.signal(signal.SIGTERM, lambda *_: process.terminate())
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            return process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Serve the pmo-pulse dashboards.")
    parser.add_argument("--data-dir", default=read_environment().data_dir)
    parser.add_argument("--port", type=int, default=8501)
    arguments = parser.parse_args()
    sys.exit(serve(Path(arguments.data_dir), arguments.port))
