"""HTTP benchmarks with wrk: requests per second, latency percentiles, errors, and the
share of the machine's CPU that wrk itself used (it runs on the same cores)."""

import json
import os
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.processes import ROOT

LUA = ROOT / "bench" / "wrk.lua"


@dataclass(frozen=True)
class HttpFigures:
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    requests: int
    generator_cpu: float  # wrk's CPU time over (wall time x cores)

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def run_wrk(
    wrk: str,
    base: str,
    paths: list[str],
    *,
    duration: float,
    connections: int = 16,
    threads: int = 2,
    headers: dict[str, str] | None = None,
) -> HttpFigures:
    wait_until_idle(base)
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    try:
        cpu_before = _children_cpu()
        started = time.monotonic()
        process = subprocess.Popen(
            [
                wrk,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(duration))}s",
                *(
                    argument
                    for name, value in (headers or {}).items()
                    for argument in ("-H", f"{name}: {value}")
                ),
                "--timeout",
                "10s",
                "-s",
                str(LUA),
                base,
                "--",
                listing.name,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        out, err = process.communicate()
        wall = time.monotonic() - started
        generator_cpu = (_children_cpu() - cpu_before) / (wall * (os.cpu_count() or 1))
    finally:
        Path(listing.name).unlink(missing_ok=True)
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed ({process.returncode}): {err.strip()}")
    figures = json.loads(out.strip().splitlines()[-1])
    errors = sum(
        figures[key]
        for key in (
            "connect_errors",
            "read_errors",
            "write_errors",
            "status_errors",
            "timeouts",
        )
    )
    seconds = figures["duration_us"] / 1e6
    return HttpFigures(
        rps=figures["requests"] / seconds,
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        errors=errors,
        requests=figures["requests"],
        generator_cpu=generator_cpu,
    )


def status_of(base: str, path: str, headers: dict[str, str] | None = None) -> int:
    """The status the server answers for one GET (redirects not followed: a page
    that sends wrk to the sign-in page must not be measured as the page)."""
    import http.client
    from urllib.parse import urlsplit

    where = urlsplit(base)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    try:
        connection.request(
            "GET", path, headers={"X-Forwarded-Proto": "https", **(headers or {})}
        )
        return connection.getresponse().status
    finally:
        connection.close()


def wait_until_idle(base: str, timeout: float = 180) -> float:
    """Wait until the server answers the floor quickly again: requests a slow page left
    queued in the listen backlog must not be served during the next measurement."""
    started = time.monotonic()
    request = urllib.request.Request(  # noqa: S310 - loopback http only
        f"{base}/healthz/live", headers={"X-Forwarded-Proto": "https"}
    )
    quick = 0
    while time.monotonic() - started < timeout:
        sent = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                response.read()
        except OSError:
            quick = 0
            continue
        quick = quick + 1 if time.monotonic() - sent < 0.05 else 0
        if quick >= 3:
            break
        time.sleep(0.1)
    return time.monotonic() - started


def _children_cpu() -> float:
    """CPU seconds used so far by this process's finished children (wrk, once it has
    been waited for)."""
    times = os.times()
    return times.children_user + times.children_system
