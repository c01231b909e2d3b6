"""The portal's JSON (format 2) and CSV zip readers answer data or a clear error,
whatever the document: never another exception."""

import io
import json
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from standards.importers import FIELDS, StandardsFileError, read_json, read_zip

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=30),
    st.lists(st.lists(st.text(max_size=5), max_size=3), max_size=3),
)
items = st.dictionaries(
    st.sampled_from(sorted({name for names in FIELDS.values() for name in names})),
    values,
    max_size=6,
)
documents = st.dictionaries(
    st.sampled_from([*FIELDS, "reference_notes"]),
    st.one_of(st.lists(items, max_size=3), values),
    max_size=5,
)


@FUZZ
@given(document=documents)
def test_the_json_reader_answers_data_or_a_clear_error(document):
    document["format"] = "fm-marketplace-standards/2"
    try:
        read_json(json.dumps(document), "fuzz.json")
    except StandardsFileError as error:
        assert str(error).startswith("fuzz.json") and error.problem


@FUZZ
@given(
    members=st.dictionaries(
        st.sampled_from([f"{kind}.csv" for kind in FIELDS] + ["release.csv"]),
        st.text(max_size=200),
        max_size=4,
    )
)
def test_the_csv_zip_reader_answers_data_or_a_clear_error(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    buffer.seek(0)
    try:
        read_zip(buffer, "fuzz.zip")
    except StandardsFileError as error:
        assert str(error).startswith("fuzz.zip") and error.problem
