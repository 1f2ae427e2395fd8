"""Print a Cookie header value for a demo user signed in to a running app (for scanners)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def main(base: str, username: str) -> None:
    with httpx.Client(base_url=base, follow_redirects=False) as client:
        token = re.search(r'name="csrf-token" content="([^"]*)"', client.get("/login").text).group(1)
        form = {"_csrf_token": token, "username": username, "password": "demo-password-2026", "next": "/"}
        response = client.post("/login", data=form)
        if response.headers.get("location") == "/login/code":
            code = subprocess.run(  # noqa: S603
                [str(ROOT / ".venv/bin/tracker"), "demo-code", username],
                capture_output=True, text=True, check=True, env=dict(os.environ),
            ).stdout.strip()
            response = client.post("/login/code", data={"_csrf_token": token, "code": code})
        if response.status_code != 302:
            raise SystemExit(f"could not sign in as {username}")
        print("; ".join(f"{k}={v}" for k, v in client.cookies.items()))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
