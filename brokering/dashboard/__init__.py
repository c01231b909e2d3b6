"""The brokers' dashboard in the back office (``/admin/dashboard/``): needs by agency
and status, submissions waiting and their age, claims to re-verify; each a chart
with its table and CSV file. Reads in :mod:`.selectors`, charts in :mod:`.charts`,
the pages in :mod:`.views`."""
