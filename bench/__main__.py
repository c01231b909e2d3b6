"""``make bench`` (``bench/run``): the benchmarks of issues 8 and 20, end to end.

Creates its own database (``fm_bench``) and uses its own Redis database, seeds it
with ``seed_scale``, serves it with gunicorn (2 threaded workers, production settings,
the full middleware stack), measures, and prints one line per benchmark with its
figures, the baseline measured in the same run, the target and PASS or MISS.
"""

import argparse
import datetime
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench import processes
from bench.processes import ROOT, Target

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/fm_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"  # not 14: .ci/run uses it


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    parser.add_argument("--offerings", type=int, default=2000, metavar="N")
    parser.add_argument("--needs", type=int, default=500, metavar="M")
    parser.add_argument("--items", type=int, default=1000, metavar="K")
    parser.add_argument(
        "--duration", type=float, default=20, help="seconds per HTTP benchmark"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="timed repetitions of each scoring figure (the median is kept)",
    )
    parser.add_argument(
        "--keep-data",
        action="store_true",
        help="reuse the database of the previous run instead of seeding it again",
    )
    parser.add_argument(
        "--skip",
        choices=["http", "renders", "scoring", "rounds", "alerts"],
        action="append",
        default=[],
        help="leave out the HTTP (1-4), the cold renders (9), the scoring "
        "benchmarks (5-7), the market research round (11) or the alerts (12)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
        help="its database name must start with fm_bench (it is dropped)",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    )
    parser.add_argument(
        "--shared-cache",
        action="store_true",
        help="serve with the shared cache of production (DJANGO_CACHE_URL: the "
        "run's Redis database) instead of each process's memory",
    )
    return parser.parse_args(argv)


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": processes.python_version(),
    }


def versions(wrk: str) -> dict:
    import celery
    import django
    import gunicorn
    import numpy
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    import redis

    redis_version = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).info()[
        "redis_version"
    ]
    wrk_version = subprocess.run(
        [wrk, "-v"], capture_output=True, text=True, check=False
    ).stdout.split()[:2]
    return {
        "django": django.__version__,
        "postgresql": postgres,
        "redis": redis_version,
        "celery": celery.__version__,
        "gunicorn": gunicorn.__version__,
        "numpy": numpy.__version__,
        "wrk": " ".join(wrk_version[1:2]),
    }


def commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or "unknown"


def run_http(args, wrk: str, target: Target, paths: dict, results) -> None:
    from bench import http, urlsets

    headers = urlsets.headers()

    with processes.gunicorn(target, workers=2) as (base, server):

        def measure(name: str) -> None:
            status = http.status_of(base, paths[name][0], headers.get(name))
            if status != 200:
                raise RuntimeError(f"{name}: {paths[name][0]} answered {status}")
            figures = http.run_wrk(
                wrk,
                base,
                paths[name],
                duration=args.duration,
                connections=args.connections,
                headers=headers.get(name),
            )
            results.http[name].append(figures)
            print(
                f"   ... {name}: {figures.rps:,.0f} req/s, {figures.errors} errors",
                flush=True,
            )

        for name, urls in paths.items():  # warm both workers up on every page
            http.run_wrk(
                wrk,
                base,
                urls,
                duration=2,
                connections=args.connections,
                headers=headers.get(name),
            )
        # The floor runs before, between and after the pages (A B A B ...); its
        # median is the denominator.
        for name in (
            "floor",
            "catalog",
            "search",
            "floor",
            "search-worst",
            "offering",
            "floor",
            "coverage",
            "dashboard",
            "floor",
        ):
            measure(name)
        results.gunicorn_rss = [
            processes.memory_mb(pid) for pid in processes.children(server.pid)
        ]


def run_scoring(target: Target, results, repeat: int) -> None:
    from bench import scoring

    # In process as in the Celery worker, which settles its pool process so
    # (marketplace.celery): line 7 compares the same collector settings.
    processes.freeze_as_a_worker()
    print("   ... scoring in process", flush=True)
    results.scoring = scoring.scoring_benchmarks(repeat=repeat)
    print("   ... scoring on a Celery worker", flush=True)
    with processes.celery_worker(target, concurrency=1) as worker:
        results.celery = scoring.celery_overhead()
        results.offering_run_s = scoring.offering_run_on_worker()
        results.worker_peak = [
            processes.memory_mb(pid)[1]
            for pid in [worker.pid, *processes.children(worker.pid)]
        ]


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    # Stopped from outside: unwind, so that gunicorn and the worker are stopped too.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    target = Target(
        database_url=args.database_url,
        broker_url=args.redis_url,
        cache_url=args.redis_url if args.shared_cache else None,
    )
    os.environ.update(target.env())
    started = time.monotonic()
    wrk = processes.ensure_wrk()
    cache = "shared (Redis)" if args.shared_cache else "each process's memory"
    print(
        f"bench: database {args.database_url}, Redis {args.redis_url}, cache: {cache}",
        flush=True,
    )
    if not args.keep_data:
        processes.recreate_database(args.database_url)
    processes.manage(target, "migrate", "--noinput", "-v0")
    if not args.keep_data:
        processes.manage(
            target,
            "seed_scale",
            f"--offerings={args.offerings}",
            f"--needs={args.needs}",
            f"--items={args.items}",
        )
    processes.manage(target, "collectstatic", "--noinput", "-v0")
    processes.flush_redis(args.redis_url)

    import django

    django.setup()
    from bench import report, urlsets

    info = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "machine": machine(),
        "versions": versions(wrk),
        "scale": urlsets.scale(),
        "cache": cache,
    }
    report.header(info)
    paths = urlsets.build()
    results = report.Results(info)

    if "http" not in args.skip:
        run_http(args, wrk, target, paths, results)
    if "renders" not in args.skip:
        from bench import renders

        print("   ... cold renders in process", flush=True)
        results.renders = renders.cold_renders()
    if "scoring" not in args.skip:
        run_scoring(target, results, args.repeat)
    if "rounds" not in args.skip:
        from bench import rounds

        print("   ... a market research round in process", flush=True)
        results.rounds = rounds.round_benchmarks(repeat=min(args.repeat, 3))
    if "alerts" not in args.skip:
        from bench import alerts

        print("   ... alerts of followed needs in process", flush=True)
        results.alerts = alerts.alert_benchmarks(repeat=args.repeat)
    lines = results.lines()
    report.print_lines(lines)
    saved = results.save(ROOT / "bench" / "results", lines)
    print(
        f"bench: done in {time.monotonic() - started:.0f} s; figures saved in "
        f"{saved.relative_to(ROOT)}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
