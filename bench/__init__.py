"""Benchmarks of the FM Marketplace portal: ``make bench`` runs ``bench/run``, which
runs this package (see ``bench/__main__.py`` and ``docs/performance.md``)."""
