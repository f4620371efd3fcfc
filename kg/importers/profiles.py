"""ESCO's occupation profiles (a parquet file) read within limits, decided before decoding.

A parquet file is a few kB for millions of repeated values (run-length and dictionary
encoding): its metadata (rows, values, chunk sizes) and each batch's decoded size are
checked before anything is turned into Python objects.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import SourceError

PROFILE_COLUMNS = ("occupation_uri", "essential_skills", "optional_skills",
                   "essential_knowledge", "transversal_skills")

#: Limits on the profiles file, read from its metadata before any value is decoded: a 4.8 kB
#: parquet file of repeated values once decoded into 4.3 GB of Python lists. ESCO 1.2.0's
#: file has 3,039 rows, 170,000 values in the columns read and column chunks of at most
#: 2.1 MB unpacked; a batch of 64 of its rows decodes to well under 1 MB of text.
MAX_PROFILE_ROWS = 100_000
MAX_PROFILE_VALUES = 2_000_000
MAX_CHUNK_BYTES = 64 << 20
MAX_BATCH_BYTES = 64 << 20


def decoded(batch) -> int:
    """The bytes of text a batch of dictionary-encoded columns holds once decoded (each
    value's length, looked up in its dictionary), counted without decoding it: 60 copies of
    one 30 MB string take 3.6 kB in a parquet file and 1.8 GB decoded."""
    import pyarrow as pa
    import pyarrow.compute as pc

    total = 0
    for column in batch.columns:
        values = column.flatten() if pa.types.is_list(column.type) else column
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        if isinstance(values, pa.DictionaryArray):
            lengths = pc.binary_length(values.dictionary)
            total += pc.sum(pc.take(lengths, values.indices)).as_py() or 0
        else:
            total += values.nbytes
    return total


def within_limits(metadata, path: Path) -> None:
    """Refuse a profiles file whose metadata promises more than :data:`MAX_PROFILE_ROWS`
    rows, :data:`MAX_PROFILE_VALUES` values in the columns read, or a column chunk over
    :data:`MAX_CHUNK_BYTES` unpacked."""
    def refuse(what: str) -> SourceError:
        return SourceError(f"{path}: {what}, past what the published profiles file holds; "
                           "the file is damaged or not ESCO's.")

    if metadata.num_rows > MAX_PROFILE_ROWS:
        raise refuse(f"{metadata.num_rows:,} rows (at most {MAX_PROFILE_ROWS:,})")
    values = 0
    for group in range(metadata.num_row_groups):
        chunks = metadata.row_group(group)
        for number in range(chunks.num_columns):
            chunk = chunks.column(number)
            if chunk.path_in_schema.split(".")[0] not in PROFILE_COLUMNS:
                continue
            values += chunk.num_values
            if chunk.total_uncompressed_size > MAX_CHUNK_BYTES:
                raise refuse(f"a column chunk of {chunk.total_uncompressed_size:,} bytes "
                             f"unpacked (at most {MAX_CHUNK_BYTES:,})")
    if values > MAX_PROFILE_VALUES:
        raise refuse(f"{values:,} values in the columns read (at most {MAX_PROFILE_VALUES:,})")
