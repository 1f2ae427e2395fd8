"""The app as a separate process (`tracker serve`, as in production), for tests that need more than
one instance on one database (J2) or the server's own memory and logs (J1)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx

from tests.support import free_port
from tracker.settings import PROJECT_ROOT


class ServerProcess:
    """`tracker serve` on a free loopback port, its output kept in a log file."""

    def __init__(self, database_url: str, log_path: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-1234567890",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "TRACKER_ENV": "local",
            "TRUSTED_PROXIES": "",
            **env,
        }
        self.env.pop("LITESTAR_DEBUG", None)
        self.process: subprocess.Popen | None = None

    def start(self) -> ServerProcess:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv
            [str(PROJECT_ROOT / ".venv/bin/tracker"), "serve", "--port", str(self.port)],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"tracker serve exited:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"tracker serve did not start:\n{self.log()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def rss_kb(self) -> int:
        """The server's resident memory now (VmRSS in /proc/<pid>/status), in kB."""
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def http_client(server: ServerProcess, **kwargs) -> httpx.Client:
    return httpx.Client(base_url=server.url, follow_redirects=False, timeout=60, **kwargs)
