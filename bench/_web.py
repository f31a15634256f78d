"""What the web benchmarks share: gunicorn started on the bench database, a signed-in
session cookie, a load generator in this (separate) process, a worker's peak RSS.

Load comes from `wrk` when it is installed (Debian: `apt-get install -y wrk`), else from
threads with keep-alive connections here; either way the server runs in other processes.
"""

from __future__ import annotations

import contextvars
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_env() -> dict[str, str]:
    """The app's own settings (DATABASE_URL, CELERY_BROKER_URL) plus a shared secret key."""
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "bench-secret")
    env.setdefault("ENTRAIDE_ENV", "development")
    env.setdefault("LOGIN_RATE_LIMIT", "10000 per minute")
    return env


class Server:
    """gunicorn wsgi:app with N sync workers on a free port."""

    def __init__(self, workers: int = 2) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [str(GUNICORN), "-w", str(workers), "-k", "sync", "-b", f"127.0.0.1:{self.port}",
             "--keep-alive", "5", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=bench_env())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/login")
                if conn.getresponse().status < 500:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True,
                             text=True, check=False).stdout
        return [int(p) for p in out.split()]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def peak_rss_mb(pid: int) -> float:
    """The process's high-water resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def session_cookie(app: Any, email: str, password: str) -> str:
    """Sign in through the app's own login form (test client) and return the cookie header:
    gunicorn shares the secret key, so the cookie is valid there too."""
    from tests.support.forms import login

    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    # its own context: the caller's app context (and its `g`) must not leak into requests
    contextvars.Context().run(login, client, email, password)
    cookie = client.get_cookie("session")
    assert cookie is not None
    return f"session={cookie.value}"


def api_token(app: Any, email: str, password: str) -> str:
    """An access token from the API's own POST /api/v1/tokens, as "Bearer <token>" (it lasts
    15 minutes: longer than a run)."""
    client = app.test_client()
    response = contextvars.Context().run(
        client.post, "/api/v1/tokens", json={"email": email, "password": password})
    assert response.status_code == 201, response.get_data(as_text=True)
    return f"Bearer {response.get_json()['access_token']}"


def _python_load(port: int, path: str, header: tuple[str, str], seconds: float,
                 threads: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds

    def run() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=dict([header]))
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        latencies.extend(mine)

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {"rps": round(len(latencies) / seconds, 1), "p50_ms": round(q[49], 1),
            "p99_ms": round(q[98], 1), "errors": errors[0]}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _wrk_load(port: int, path: str, header: tuple[str, str], seconds: float,
              connections: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{int(seconds)}s", "--latency",
         "--timeout", "30s",
         "-H", f"{header[0]}: {header[1]}", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s*(50|99)(?:\.0+)?%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
            "p50_ms": _ms(latency.get("50", "0ms")), "p99_ms": _ms(latency.get("99", "0ms")),
            "errors": int(errors.group(1)) if errors else 0}


def load(port: int, path: str, cookie: str, seconds: float = 10,
         connections: int = 8) -> dict[str, float]:
    """requests/s, p50 and p99 for one page under `connections` concurrent keep-alive clients.
    `cookie` is a session cookie ("session=..."), or "Bearer <token>" for the JSON API."""
    header = ("Authorization", cookie) if cookie.startswith("Bearer ") else ("Cookie", cookie)
    if os.environ.get("BENCH_LOADGEN") != "python" and subprocess.run(
            ["which", "wrk"], capture_output=True, check=False).returncode == 0:
        return _wrk_load(port, path, header, seconds, connections)
    return _python_load(port, path, header, seconds, connections)


def uptime() -> str:
    return Path("/proc/loadavg").read_text().split(" ")[0:3].__str__()
