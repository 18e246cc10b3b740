"""A dbt process started ahead of a refresh's build, with dbt already imported.

Every ``pmo-dbt`` process first imports dbt and its DuckDB adapter: ~2.5 s of one core before
it reads a file, on the critical path of every refresh that builds. A refresh started from the
command line knows it will probably build, so it starts one such process (``warm_dbt``) that
imports dbt on the other core while the run starts and the files load, then waits for one
command.

When dagster-dbt then starts ``pmo-dbt build ...``, that process (the client) hands its command
line, environment, working folder and its standard input, output and error (the file
descriptors themselves, over a Unix socket) to the waiting process, which runs dbt as that
``pmo-dbt`` would have: dbt writes straight into the pipe dagster-dbt reads. The client passes on
an interrupt and ends with dbt's exit code. The waiting process serves one command and ends; with
none waiting (a schedule's run, a second build, a platform without Unix sockets) ``pmo-dbt`` runs
dbt itself as before.

The process starts once the refresh has imported Dagster: on two cores, started with the
refresh it slowed Dagster's start (and the suite worker's import of Great Expectations) by about
as much as it saved; started then, the demo's one-file refresh measured 2.3 s less in dbt and
0.8 s more before the load (a net ~1.5 s of ~19 s). It ends by itself when the refresh that
started it is gone. Only the standard library here (and the product's environment names).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from pipelines.environment import DBT_WARM_SOCKET_ENV, set_for_child

STANDARD_STREAMS = (0, 1, 2)
MESSAGE_LIMIT = 1 << 20
SOCKET_PATH_LIMIT = 100
"""Bytes of a Unix socket's path (the systems' limits are 104 and 108)."""
SERVED = "served"
"""Made beside the socket when the process takes a command: it then ends by itself."""
FINISH_SECONDS = 60
"""How long a refresh waits, at its end, for the process that served its build to write the
artefacts dbt writes last (``manifest.json``: about a second at the demo's size)."""


@contextlib.contextmanager
def warm_dbt(
    environment: dict[str, str], near: Path, parse_state: Path | None = None
) -> Iterator[int | None]:
    """While open, one ``pmo-dbt`` node command (``build``...) started by this process runs in a
    dbt process started now (``environment``: its own, until a command brings its own), whose
    pid the block gets (None: none was started). The process is ended when the block ends,
    whether it served or not. Its socket is in a folder made in ``near`` (the data directory's
    dbt folder), or in the system's temporary folder when that path would be too long for a
    socket; the folder goes with the block. ``parse_state``: the parse state the build is
    expected to start from, which the process decodes while it waits (``dbt_cli``)."""
    if not hasattr(socket, "send_fds") or DBT_WARM_SOCKET_ENV in os.environ:
        yield None
        return
    folder = near / f"warm-{os.getpid()}"
    if len(str(folder / "socket")) <= SOCKET_PATH_LIMIT:
        folder.mkdir(parents=True, exist_ok=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix="pmo-dbt-"))
    path = folder / "socket"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipelines.transform.dbt_warm",
            str(path),
            str(os.getpid()),
            str(parse_state or ""),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
    try:
        with set_for_child(**{DBT_WARM_SOCKET_ENV: str(path)}):
            yield process.pid
    finally:
        if (folder / SERVED).exists():  # a command ran: let it write what dbt left to write
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=FINISH_SECONDS)
        if process.poll() is None:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
            if process.poll() is None:
                process.kill()
                process.wait()
        shutil.rmtree(folder, ignore_errors=True)


# --- the waiting process ---------------------------------------------------------------------


def serve(
    path: str,
    parent: int,
    prepare: Callable[[], Callable[[], int]],
    finish: Callable[[], None] = lambda: None,
) -> int:
    """Listen at ``path``, get dbt ready (``prepare``: imports dbt, returns what runs it on
    ``sys.argv``), take one client's command and run it as that client; the exit code dbt
    ended with. Ends without serving once ``parent`` (the refresh) is no longer its parent.
    Once the client has the exit code, ``finish`` runs (what dbt left to write), after a
    ``served`` file beside the socket says it will (see ``warm_dbt``)."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    run_dbt = prepare()
    listener.settimeout(1.0)
    while True:  # a client that came early waited for the imports
        try:
            connection, _ = listener.accept()
            break
        except TimeoutError:
            if os.getppid() != parent:  # the refresh ended without ending this (killed)
                listener.close()
                Path(path).unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    Path(path).parent.rmdir()
                return 0
    connection.settimeout(None)
    listener.close()
    (Path(path).parent / SERVED).touch()
    Path(path).unlink()
    with connection:
        connection.sendall(f"{os.getpid()}\n".encode())
        message, fds, _, _ = socket.recv_fds(connection, MESSAGE_LIMIT, len(STANDARD_STREAMS))
        if len(fds) != len(STANDARD_STREAMS):
            return 2  # the client went away: it runs dbt itself
        while not message.endswith(b"\n") and (more := connection.recv(MESSAGE_LIMIT)):
            message += more
        command = json.loads(message)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        for fd, standard in zip(fds, STANDARD_STREAMS, strict=True):
            os.dup2(fd, standard)
            os.close(fd)
        os.chdir(command["cwd"])
        os.environ.clear()
        os.environ.update(command["env"])
        sys.argv = command["argv"]
        code = run_dbt()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        with contextlib.suppress(OSError):
            connection.sendall(f"{code}\n".encode())
    finish()
    return code


# --- the client: the pmo-dbt process dagster-dbt started --------------------------------------


def run_in_warm_process() -> int | None:
    """Hand this process's dbt command to the waiting dbt process and wait for its exit code;
    None when no process waits (or it could not take the command): then run dbt here."""
    # set only by ``warm_dbt``, which checked that sockets can carry file descriptors here
    path = os.environ.pop(DBT_WARM_SOCKET_ENV, None)  # the command's dbt does not see it
    if not path:
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    reader = connection.makefile("rb")
    try:
        connection.connect(path)
        pid = int(reader.readline() or b"0")  # once dbt is imported there
        if not pid:
            raise ValueError("the dbt process ended before it took a command")
        command = {"argv": sys.argv, "cwd": str(Path.cwd()), "env": dict(os.environ)}
        message = json.dumps(command).encode() + b"\n"
        socket.send_fds(connection, [message], list(STANDARD_STREAMS))
    except (OSError, ValueError):
        reader.close()
        connection.close()
        return None  # nothing was handed over: dbt runs here
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda received, _frame: _pass_on(pid, received))
    with connection, reader:
        line = reader.readline()
    if not line:
        print(f"pmo-dbt: the dbt process {pid} ended without an exit code", file=sys.stderr)
        return 1
    return int(line)


def _pass_on(pid: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, number)


def _run_each(work: list[Callable[[], None]]) -> None:
    for step in work:
        step()


if __name__ == "__main__":
    from pipelines.transform.dbt_cli import prepared_dbt

    later: list[Callable[[], None]] = []
    state = Path(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] else None
    sys.exit(
        serve(
            sys.argv[1],
            int(sys.argv[2]),
            lambda: prepared_dbt(later, parse_state=state),
            lambda: _run_each(later),
        )
    )
