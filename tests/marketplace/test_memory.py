"""marketplace.memory: giving freed memory back to the system is safe to call at any
time, on glibc or not (the facet index calls it after each build)."""

from marketplace import memory


def test_release_free_memory_answers_whether_it_could():
    big = [bytes(1000) for _ in range(10_000)]
    del big
    assert memory.release_free_memory() in (True, False)
    assert memory.release_free_memory() in (True, False)  # again: harmless
