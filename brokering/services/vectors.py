"""The need item vectors (:class:`brokering.models.NeedVector`) the reverse scoring
direction reads."""

from collections.abc import Iterable

from brokering.models import Need, NeedVector
from brokering.scoring.encodings import NeedCode
from brokering.scoring.inputs import load_needs
from standards.items import release_items

UPSERT_BATCH = 4000  # rows per upsert statement (14 parameters each, under 65,535)
_VECTOR_FIELDS = ["positions", "weights", "function_index", "functions", "digest"]


def need_vectors_store(codes: Iterable[NeedCode]) -> int:
    vectors = [
        NeedVector(
            need_id=code.need_id,
            need_updated_at=code.updated_at,  # type: ignore[misc]  # read with the need
            **code.packed(),
        )
        for code in codes
    ]
    NeedVector.objects.bulk_create(
        vectors,
        batch_size=UPSERT_BATCH,
        update_conflicts=True,
        unique_fields=["need"],
        update_fields=[*_VECTOR_FIELDS, "need_updated_at"],
    )
    return len(vectors)


def need_vectors_refresh(*, need_ids: Iterable[int]) -> int:
    """Encode the items of the given needs into their :class:`NeedVector` (what the
    reverse scoring direction reads). A fixed number of queries per call: the needs,
    their items, each release's item space, the upsert.

    Every service that changes a need's items, priorities, go-live date or
    constraints calls it after saving the need, so the vector carries the need's
    ``updated_at``; the engine rebuilds a vector older than its need on its own.
    """
    need_ids = sorted(set(need_ids))
    if not need_ids:
        return 0
    releases = set(
        Need.objects.filter(pk__in=need_ids).values_list("release_id", flat=True)
    )
    spaces = {
        release_id: release_items(release_id, labels=False)
        for release_id in sorted(releases)
    }
    loaded = load_needs(Need.objects.filter(pk__in=need_ids), spaces)
    return need_vectors_store(
        inputs.encode([ref.key for ref in spaces[inputs.release_id]])
        for inputs in loaded
    )
