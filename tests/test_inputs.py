"""Untrusted input files (--with): refused kinds, file and literal size limits, linear check."""

from __future__ import annotations

import io
import os
import socket
import threading

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.checks import validate
from kg.errors import KGError, SourceError
from kg.store.turtle import read_turtle
from kg.store.inputs import LimitedReader, limit

COMMENT = "<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#comment>"


def finishes(func, *args, seconds=20):
    """Run ``func`` in a thread; return what it raised (a read that blocks fails the test)."""
    outcome = []

    def run():
        try:
            func(*args)
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"{func.__name__}{args} still running after {seconds} s"
    return outcome[0]


@pytest.fixture()
def small_caps(monkeypatch):
    """Small limits, so that a guard that fails to refuse cannot read gigabytes."""
    monkeypatch.setenv("AIKG_MAX_FILE_BYTES", "4096")
    monkeypatch.setenv("AIKG_MAX_LITERAL_BYTES", "1000")


# -- kinds of file ------------------------------------------------------------------------------
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, small_caps):
    fifo = tmp_path / "roles.ttl"
    os.mkfifo(fifo)
    error = finishes(read_turtle, fifo)
    assert isinstance(error, SourceError)
    assert str(error) == f"{fifo}: a FIFO (named pipe), not a regular file; give a file saved on disk."


def test_a_symlink_to_a_fifo_is_refused(tmp_path, small_caps):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "roles.ttl").symlink_to(tmp_path / "pipe")
    assert "a FIFO (named pipe), not a regular file" in str(finishes(read_turtle, tmp_path / "roles.ttl"))


def test_dev_zero_is_refused(small_caps):
    from pathlib import Path

    error = finishes(read_turtle, Path("/dev/zero"))
    assert str(error) == "/dev/zero: a character device, not a regular file; give a file saved on disk."


def test_a_folder_and_a_socket_are_refused(tmp_path, small_caps):
    assert "a folder, not a regular file" in str(finishes(read_turtle, tmp_path))
    listener = socket.socket(socket.AF_UNIX)
    try:
        listener.bind(str(tmp_path / "sock"))
        assert "a socket, not a regular file" in str(finishes(read_turtle, tmp_path / "sock"))
    finally:
        listener.close()


def test_a_missing_file_is_named(tmp_path):
    assert str(finishes(read_turtle, tmp_path / "nope.ttl")) == f"{tmp_path / 'nope.ttl'}: no such file; check the path."


# -- file size ----------------------------------------------------------------------------------
def test_a_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    target = tmp_path / "big.ttl"
    target.write_text(f'{COMMENT} "{"x" * 200}" .\n')
    size = target.stat().st_size
    monkeypatch.setenv("AIKG_MAX_FILE_BYTES", str(size))
    assert len(read_turtle(target)[0]) == 1  # at the limit: read
    monkeypatch.setenv("AIKG_MAX_FILE_BYTES", str(size - 1))
    with pytest.raises(SourceError) as caught:
        read_turtle(target)
    assert str(caught.value) == (f"{target}: {size:,} bytes, over the {size - 1:,}-byte limit for "
                                 "input files; raise it with AIKG_MAX_FILE_BYTES=BYTES.")


def test_the_reader_stops_at_the_limit_whatever_the_size_said():
    reader = LimitedReader(io.BytesIO(b"x" * 100), 10)
    data = b"".join(iter(lambda: reader.read(3), b""))
    assert data == b"x" * 9 and reader.exceeded  # the 11th byte shows there is more
    exact = LimitedReader(io.BytesIO(b"x" * 10), 10)
    assert exact.read() == b"x" * 10 and exact.read() == b"" and not exact.exceeded


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1.5"])
def test_a_bad_limit_in_the_environment_is_named(monkeypatch, value):
    monkeypatch.setenv("AIKG_MAX_FILE_BYTES", value)
    with pytest.raises(KGError, match=r"AIKG_MAX_FILE_BYTES='.*' is not a positive number of bytes"):
        limit("AIKG_MAX_FILE_BYTES")


def test_default_limits(monkeypatch):
    monkeypatch.delenv("AIKG_MAX_FILE_BYTES", raising=False)
    monkeypatch.delenv("AIKG_MAX_LITERAL_BYTES", raising=False)
    assert limit("AIKG_MAX_FILE_BYTES") == 512 * 2**20
    assert limit("AIKG_MAX_LITERAL_BYTES") == 2**20


# -- literal size -------------------------------------------------------------------------------
def test_a_literal_over_the_limit_is_refused_in_utf8_bytes(tmp_path, small_caps):
    target = tmp_path / "roles.ttl"
    target.write_text(f'{COMMENT} "{"x" * 1000}" .\n', encoding="utf-8")
    assert len(read_turtle(target)[0]) == 1  # 1,000 bytes: at the limit
    target.write_text(f'{COMMENT} "{"é" * 501}" .\n', encoding="utf-8")  # 501 chars, 1,002 bytes
    with pytest.raises(SourceError) as caught:
        read_turtle(target)
    assert str(caught.value) == (
        f"{target}: a literal of 1,002 bytes (the rdfs:comment of <http://example.org/a>) is over "
        "the 1,000-byte limit; raise it with AIKG_MAX_LITERAL_BYTES=BYTES.")


def test_a_term_too_long_for_the_parser_is_one_error(tmp_path, monkeypatch):
    monkeypatch.setenv("AIKG_MAX_LITERAL_BYTES", str(64 * 2**20))
    target = tmp_path / "huge.ttl"
    target.write_text(f'{COMMENT} "{"x" * (17 * 2**20)}" .\n')  # MemoryError from pyoxigraph before
    with pytest.raises(SourceError, match="too long for the Turtle parser"):
        read_turtle(target)


def test_cli_refuses_with_one_error_line(aikg, tmp_path, monkeypatch):
    monkeypatch.setenv("AIKG_MAX_FILE_BYTES", str(10 * 2**20))  # the shipped sources fit
    os.mkfifo(tmp_path / "pipe.ttl")
    for args in (["stats"], ["validate", "--no-reason"]):
        result = finishes_cli(aikg, "--with", str(tmp_path / "pipe.ttl"), *args)
        assert result.exit_code in (1, 2) and result.stdout == ""
        assert result.stderr == (f"Error: {tmp_path / 'pipe.ttl'}: a FIFO (named pipe), not a "
                                 "regular file; give a file saved on disk.\n")


def finishes_cli(aikg, *args):
    result = []
    error = finishes(lambda: result.append(aikg(*args)))
    assert error is None, error
    return result[0]


# -- the shape check is linear in literal size ----------------------------------------------------
def test_to_rdflib_gives_what_the_ntriples_parser_gave():
    data = """@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ex:a ex:p "plain", "tagged"@en-GB, "3"^^xsd:integer, "three"^^xsd:integer, "x"^^ex:dt ;
         ex:q [ ex:r [ ex:s "nested" ] ], ( ex:b "in a list" ) ;
         ex:t "line\\nbreak \\"quoted\\" \\u00e9" .
    ex:b ex:p [ ex:r ex:a ] .
    """
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.TURTLE)
    expected = rdflib.Graph()
    expected.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
                   .decode("utf-8"), format="nt")
    assert isomorphic(validate.to_rdflib(store), expected)
