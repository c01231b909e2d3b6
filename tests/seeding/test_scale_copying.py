"""The text stream ``copy_rows`` hands to ``COPY FROM STDIN``."""

from marketplace.copying import LineReader


def test_line_reader_reads_sized_and_whole():
    reader = LineReader(["ab\n", "cd\n", "ef\n"])
    assert reader.readable()
    assert reader.read(4) == "ab\nc"
    assert reader.readline(2) == "d\n"
    assert reader.read() == "ef\n"
    assert reader.read() == ""


def test_line_reader_treats_none_as_read_everything():
    assert LineReader(["ab", "cd"]).read(None) == "abcd"
    assert LineReader(["ab", "cd"]).readline(None) == "abcd"
