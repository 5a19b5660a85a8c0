"""Cold start: a fresh clone's `make up` until the gateway answers GraphQL and ingest is ready.

    python bench/coldstart.py --repo PATH [--branch NAME] [--make-args "NO_UV=1"]

Clones PATH into a temporary directory (no virtualenv, no data dir), runs `make up` there
on free ports, and prints, from the start of `make up`: when the installation ended (make
runs `.venv/bin/ollygraph up`), when the database was migrated, when ingest's /healthz
answered 200 and when the gateway answered `{ __typename }` on /graphql. Then it stops
`make up` as Ctrl-C would (SIGINT to its process group), checks that it exited and that no
PostgreSQL of the clone is left running, and removes the clone. The package index and the
installers' caches are whatever the machine has: run it twice for a warm-cache figure.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

TIMEOUT_S = 600


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Output:
    """`make up`'s output lines, each with the time it arrived (echoed as it comes)."""

    def __init__(self, stream, start: float, echo: bool) -> None:
        self.lines: list[tuple[float, str]] = []
        self.start, self.echo = start, echo
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append((time.monotonic() - self.start, line.rstrip("\n")))
            if self.echo:
                print(f"  {self.lines[-1][0]:6.1f} s | {self.lines[-1][1]}", flush=True)

    def first(self, text: str) -> float | None:
        return next((t for t, line in self.lines if text in line), None)


def ready(url: str, graphql: bool) -> bool:
    try:
        if graphql:
            reply = httpx.post(url, json={"query": "{ __typename }"}, timeout=2)
            return reply.status_code == 200 and reply.json().get("data") == {"__typename": "Query"}
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def postgres_running(clone: Path) -> list[int]:
    """Pids of processes whose command line names the clone's data dir."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "postgres" in command and str(clone) in command:
                found.append(int(entry.name))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", required=True, help="the repository (or worktree) to clone")
    parser.add_argument("--branch", help="the branch to clone (default: the repo's HEAD)")
    parser.add_argument("--make-args", default="", help='extra make arguments, e.g. "NO_UV=1"')
    parser.add_argument("--quiet", action="store_true", help="do not echo make's output")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ollygraph-coldstart-") as tmp:
        clone = Path(tmp) / "ollygraph"
        branch = ["--branch", args.branch] if args.branch else []
        subprocess.run(["git", "clone", "--quiet", *branch, args.repo, str(clone)], check=True)
        commit = subprocess.run(["git", "-C", str(clone), "log", "-1", "--format=%h %s"],
                                capture_output=True, text=True, check=True).stdout.strip()
        print(f"clone of {args.repo} at {commit}", flush=True)
        ports = {name: free_port() for name in ("GRPC", "HTTP", "GATEWAY")}
        env = {**os.environ, **{f"OLLYGRAPH_{k}_PORT": str(v) for k, v in ports.items()},
               "OLLYGRAPH_HOST": "127.0.0.1"}
        for name in ("VIRTUAL_ENV", "OLLYGRAPH_DATABASE_URL", "OLLYGRAPH_DATA_DIR"):
            env.pop(name, None)
        gateway = f"http://127.0.0.1:{ports['GATEWAY']}/graphql"
        ingest = f"http://127.0.0.1:{ports['HTTP']}/healthz"

        start = time.monotonic()
        proc = subprocess.Popen(["make", "up", *shlex.split(args.make_args)], cwd=clone,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, start_new_session=True)
        output = Output(proc.stdout, start, echo=not args.quiet)
        seen: dict[str, float] = {}
        try:
            while len(seen) < 2:
                if proc.poll() is not None:
                    output.thread.join(5)
                    print(f"make up exited with {proc.returncode} before it was ready",
                          file=sys.stderr)
                    return 1
                if time.monotonic() - start > TIMEOUT_S:
                    print(f"not ready within {TIMEOUT_S} s", file=sys.stderr)
                    return 1
                for name, url, graphql in (("gateway", gateway, True),
                                           ("ingest", ingest, False)):
                    if name not in seen and ready(url, graphql):
                        seen[name] = time.monotonic() - start
                time.sleep(0.1)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in make's terminal
            try:
                status = proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                status = proc.wait()
            output.thread.join(5)
        left = postgres_running(clone)

        installed = output.first("/ollygraph up")  # make echoes the command it runs next
        migrated = output.first("ollygraph: database")
        print(f"installed            {installed:6.1f} s" if installed is not None else
              "installed            (no line)")
        if migrated is not None:
            print(f"database migrated    {migrated:6.1f} s")
        print(f"ingest ready         {seen['ingest']:6.1f} s")
        print(f"gateway answers      {seen['gateway']:6.1f} s")
        print(f"make up to running   {max(seen.values()):6.1f} s")
        stopped = output.first("ollygraph: stopped") is not None
        print(f"stopped cleanly      {'yes' if stopped and not left else 'no'} "
              f"(make exit status {status}; PostgreSQL left running: {left or 'none'})")
        for pid in left:
            os.kill(pid, signal.SIGTERM)
        return 0 if stopped and not left else 1


if __name__ == "__main__":
    sys.exit(main())
