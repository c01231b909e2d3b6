"""marketplace.memory: giving freed memory back to the system is safe to call at any
time, on glibc or not (the facet index calls it after each build)."""

from marketplace import memory


def test_release_free_memory_answers_whether_it_could():
    big = [bytes(1000) for _ in range(10_000)]
    del big
    assert memory.release_free_memory() in (True, False)
    assert memory.release_free_memory() in (True, False)  # again: harmless


def test_limiting_the_malloc_arenas_answers_whether_it_could():
    assert memory.limit_malloc_arenas() in (True, False)
    assert memory.limit_malloc_arenas() in (True, False)  # again: harmless


def test_a_settled_worker_freezes_what_it_holds_and_collects_young_objects_seldom():
    import gc
    import importlib.util
    from pathlib import Path

    before = gc.get_threshold()
    try:
        spec = importlib.util.spec_from_file_location(
            "gunicorn_conf", Path(__file__).parents[2] / "gunicorn.conf.py"
        )
        conf = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(conf)
        conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (
            memory.YOUNG_GENERATION_THRESHOLD,
            before[1],
            before[2],
        )
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_a_celery_pool_process_settles_as_a_web_worker_does():
    """A prefork pool process gets ``worker_process_init`` once forked; the
    application's handler settles it as gunicorn's ``post_worker_init`` does."""
    import gc

    from celery.signals import worker_process_init

    import marketplace.celery  # noqa: F401  # connects the handler

    before = gc.get_threshold()
    try:
        worker_process_init.send(sender=None)
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == memory.YOUNG_GENERATION_THRESHOLD
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
