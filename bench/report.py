"""One line per benchmark: figures, the baseline from the same run, target, verdict."""

import datetime
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.http import HttpFigures

GUNICORN_RSS_LIMIT_MB = 150
WEB_WORKERS = 2
# Every agency's needs rescored after a release change within ten minutes (issue 20):
# 24 CFO Act agencies and about a hundred smaller ones, with a few needs each.
NATIONAL_NEEDS = 2_000
RESCORE_SECONDS = 600
WORKER_PEAK_LIMIT_MB = 600


@dataclass
class Line:
    number: str
    name: str
    figures: str
    baseline: str
    target: str
    passed: bool

    def text(self) -> str:
        verdict = "PASS" if self.passed else "MISS"
        return (
            f"{self.number:<3} {self.name:<22} {self.figures} | baseline: "
            f"{self.baseline} | target: {self.target} | {verdict}"
        )


def _http(figures: HttpFigures) -> str:
    return (
        f"{figures.rps:,.0f} req/s, p50 {figures.p50_ms:.1f} / p95 "
        f"{figures.p95_ms:.1f} / p99 {figures.p99_ms:.1f} ms, "
        f"{figures.errors} errors of {figures.requests:,}, "
        f"wrk CPU {figures.generator_cpu:.0%}"
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


@dataclass
class Results:
    info: dict
    http: dict[str, list[HttpFigures]] = field(
        default_factory=lambda: defaultdict(list)
    )
    gunicorn_rss: list[tuple[float, float]] = field(default_factory=list)
    scoring: object = None
    celery: object = None
    offering_run_s: float = 0.0
    worker_peak: list[float] = field(default_factory=list)
    renders: object = None
    rounds: object = None
    alerts: object = None

    def floor(self) -> HttpFigures:
        runs = sorted(self.http["floor"], key=lambda f: f.rps)
        return runs[len(runs) // 2]

    def lines(self) -> list[Line]:
        lines = []
        if self.http:
            lines.extend(self._http_lines())
        if self.renders:
            lines.extend(self._render_lines())
        if self.scoring:
            lines.extend(self._scoring_lines())
        if self.rounds:
            from bench.rounds import round_lines

            lines.extend(round_lines(self.rounds))
        if self.alerts:
            from bench.alerts import alert_lines

            lines.extend(alert_lines(self.alerts))
        lines.append(self._memory_line())
        if self.http and self.celery:
            lines.append(self._throughput_line())
        return lines

    def _render_lines(self) -> list[Line]:
        r = self.renders
        lines = []
        for number, name, what, limit in (
            ("9a", "cold offering page", "offering", 20),
            ("9b", "cold search page", "search", 50),
            ("9c", "cold results page", "results", 40),
            ("9d", "cold explanation page", "explanation", 40),
            ("9e", "cold fit-gap page", "fit-gap", 40),
            ("9f", "cold coverage page", "coverage", 200),
            ("9g", "coverage, changed", "coverage-changed", 200),
            ("9h", "cold dashboard", "dashboard", 200),
            ("9i", "dashboard, changed", "dashboard-changed", 200),
        ):
            if what not in r.pages:
                continue
            median = r.median(what)
            lines.append(
                Line(
                    number,
                    name,
                    f"{len(r.pages[what])} renders in process, page cache off"
                    + (
                        ", the catalog changed before each"
                        if what.endswith("-changed")
                        else ""
                    )
                    + f": median "
                    f"{median:.1f} / p95 {r.p95(what):.1f} ms = "
                    f"{median / r.floor_ms:.0f}x the in-process floor",
                    f"in-process floor (/healthz/live, same middleware) "
                    f"{r.floor_ms:.2f} ms",
                    f"median <= {limit} ms",
                    median <= limit,
                )
            )
        return lines

    def _throughput_line(self) -> Line:
        """What one web worker and one scoring worker carry, and so how many of each
        a national load needs (docs/performance.md, "Growing past one machine")."""
        c = self.celery
        needs_per_s = c.runs / c.worker_s
        mix = self.http["search"][0]
        offering = self.http["offering"][0]
        web = min(mix.rps, offering.rps) / WEB_WORKERS
        rescore_workers = NATIONAL_NEEDS / (needs_per_s * RESCORE_SECONDS)
        return Line(
            "10",
            "throughput",
            f"one scoring worker (1 process): {needs_per_s:.1f} needs/s; one web "
            f"worker (of {WEB_WORKERS} here, 4 threads): {web:,.0f} req/s of the "
            f"cold-heavy mixes; {NATIONAL_NEEDS:,} needs rescored in "
            f"{RESCORE_SECONDS / 60:.0f} min need {rescore_workers:.1f} scoring "
            "worker processes",
            f"full rescore of {c.runs} needs on the worker {_ms(c.worker_s)}",
            "measured (sizing in docs/performance.md)",
            True,
        )

    def _http_lines(self) -> list[Line]:
        floor = self.floor()
        floor_runs = ", ".join(f"{f.rps:,.0f}" for f in self.http["floor"])
        lines = [
            Line(
                "1",
                "HTTP floor",
                f"/healthz/live: {_http(floor)}",
                f"none (the denominator; median of runs {floor_runs} req/s)",
                "errors 0",
                floor.errors == 0,
            )
        ]
        floor_text = f"floor {floor.rps:,.0f} req/s, p99 {floor.p99_ms:.1f} ms"

        def page(number, name, key, what, minimum, extra=None):
            figures = self.http[key][0]
            ratio = figures.rps / floor.rps
            passed = ratio >= minimum and figures.errors == 0
            target = f">= {minimum:.2f}x floor, 0 errors"
            if extra:
                passed = passed and figures.p95_ms <= extra
                target += f", p95 <= {extra:.0f} ms"
            lines.append(
                Line(
                    number,
                    name,
                    f"{what}: {_http(figures)} = {ratio:.3f}x floor",
                    floor_text,
                    target,
                    passed,
                )
            )

        page("2", "catalog first page", "catalog", "/catalog/ (20 offerings)", 0.30)
        page("3a", "catalog search mix", "search", "200 two-word queries", 0.25, 50)
        page("3b", "search, common word", "search-worst", "q=financial", 0.25)
        page("4", "offering page", "offering", "200 offerings", 0.25)
        if self.http.get("coverage"):
            page("13a", "coverage page", "coverage", "/catalog/coverage/", 0.25)
        if self.http.get("dashboard"):
            page("13b", "broker dashboard", "dashboard", "/admin/dashboard/", 0.25)
        return lines

    def _scoring_lines(self) -> list[Line]:
        s = self.scoring
        compute_ratio = s.compute_s / s.read_s
        speedup = s.naive_s / s.engine_s
        c = self.celery
        return [
            Line(
                "5",
                "score one need",
                f"{s.need_items} items x {s.offerings:,} offerings: compute "
                f"{_ms(s.compute_s)} = {compute_ratio:.2f}x read; engine with its "
                f"reads, fresh worker {_ms(s.engine_s)} = {speedup:.1f}x faster than "
                "naive "
                f"({_ms(s.engine_warm_s)} with the shelf kept); "
                f"results identical: {'yes' if s.identical else 'NO'}; end to end "
                f"with {s.kept_matches:,} matches written {_ms(s.refresh_need_s)} "
                f"(again, nothing changed: {_ms(s.refresh_need_unchanged_s)})",
                f"read vectors {_ms(s.read_s)}; naive join/GROUP BY {_ms(s.naive_s)}",
                "compute <= 1.0x read, >= 20x naive, identical, a fresh worker "
                "(engine with its reads) <= 100 ms, end to end <= 0.5 s",
                compute_ratio <= 1.0
                and speedup >= 20
                and s.identical
                and s.engine_s <= 0.1
                and s.refresh_need_s <= 0.5,
            ),
            self._every_kind_line(),
            Line(
                "6",
                "rescore one offering",
                f"1 offering x {s.active_needs} needs: "
                f"{_ms(s.refresh_offering_s + s.offering_vector_s)} (vector refresh "
                f"{_ms(s.offering_vector_s)} + matches {_ms(s.refresh_offering_s)}); "
                f"through the worker {_ms(self.offering_run_s)}",
                f"one need end to end {_ms(s.refresh_need_s)}",
                "<= 0.5 s",
                s.refresh_offering_s + s.offering_vector_s <= 0.5,
            ),
            Line(
                "7",
                "Celery overhead",
                f"a full rescore ({c.runs} needs, runs batched per task) on the worker "
                f"{_ms(c.worker_s)} = {c.overhead:+.1%} (median of 3)",
                f"same runs in process {_ms(c.in_process_s)}",
                "overhead <= 10%",
                c.overhead <= 0.10,
            ),
        ]

    def _every_kind_line(self) -> Line:
        """Line 5's need asks for items of every kind (issue #17's size)."""
        s = self.scoring
        kinds = s.need_kinds
        wanted = ("capability", "measure", "exchange", "report")
        return Line(
            "5k",
            "need of every kind",
            f"line 5 scored need {s.need_id}: {kinds.get('capability', 0)} "
            f"capabilities, {kinds.get('measure', 0)} service measures ({s.awaiting} "
            "with the agency's own target: awaiting the provider's answer, out of "
            f"the sums), {kinds.get('exchange', 0)} exchanges, "
            f"{kinds.get('report', 0)} reports; engine and naive join identical: "
            f"{'yes' if s.identical else 'NO'}",
            f"naive join over the claims of every kind {_ms(s.naive_s)}",
            "every kind in the need, results identical",
            all(kinds.get(kind) for kind in wanted) and s.identical,
        )

    def _memory_line(self) -> Line:
        figures, passed = [], True
        if self.gunicorn_rss:
            rss = max(now for now, _peak in self.gunicorn_rss)
            peak = max(peak for _now, peak in self.gunicorn_rss)
            figures.append(f"gunicorn worker RSS {rss:.0f} MB (peak {peak:.0f})")
            passed = passed and peak <= GUNICORN_RSS_LIMIT_MB
        if self.worker_peak:
            worker_peak = max(self.worker_peak)
            figures.append(
                f"scoring worker peak {worker_peak:.0f} MB at N="
                f"{self.info['scale']['offerings']:,}"
            )
            passed = passed and worker_peak <= WORKER_PEAK_LIMIT_MB
        return Line(
            "8",
            "memory",
            "; ".join(figures),
            "n/a",
            f"<= {GUNICORN_RSS_LIMIT_MB} MB; <= {WORKER_PEAK_LIMIT_MB} MB",
            passed,
        )

    def save(self, folder: Path, lines: list[Line]) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        path = folder / f"bench-{stamp}.json"
        data = {
            **self.info,
            "http": {k: [f.as_dict() for f in v] for k, v in self.http.items()},
            "gunicorn_rss_mb": self.gunicorn_rss,
            "scoring": asdict(self.scoring) if self.scoring else None,
            "celery": (
                {**asdict(self.celery), "overhead": self.celery.overhead}
                if self.celery
                else None
            ),
            "offering_run_on_worker_s": self.offering_run_s,
            "worker_peak_mb": self.worker_peak,
            "renders": asdict(self.renders) if self.renders else None,
            "rounds": asdict(self.rounds) if self.rounds else None,
            "alerts": asdict(self.alerts) if self.alerts else None,
            "lines": [line.text() for line in lines],
        }
        path.write_text(json.dumps(data, indent=2, default=str))
        (folder / "latest.txt").write_text("\n".join(line.text() for line in lines))
        return path


def header(info: dict) -> None:
    m, v, s = info["machine"], info["versions"], info["scale"]
    print(
        f"machine: {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, {m['os']}\n"
        f"versions: Python {m['python']}, Django {v['django']}, PostgreSQL "
        f"{v['postgresql']}, Redis {v['redis']}, Celery {v['celery']}, gunicorn "
        f"{v['gunicorn']}, numpy {v['numpy']}, wrk {v['wrk']}; "
        f"commit {info['commit']}\n"
        f"scale: {s['offerings']:,} offerings ({s['published']:,} published), "
        f"{s['claims']:,} claims, {s['active_needs']} active needs (median "
        f"{s['need_items_median']} items)",
        flush=True,
    )


def print_lines(lines: list[Line]) -> None:
    print()
    for line in lines:
        print(line.text())
    passed = sum(line.passed for line in lines)
    print(f"\n{passed} of {len(lines)} benchmarks met their targets.", flush=True)
