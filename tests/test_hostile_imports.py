"""Crafted import files (issue 25, finding 9): each is one ``Error:`` line, in bounded memory.

The inputs are built here: a zip whose shared-string table unpacks to millions of strings, a
cell reference past the last column, a parquet file of a few kB whose lists decode into
millions of values, an ESCO ``conceptUri`` holding ESC.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import cli
from tests import importer_fixtures as fx

ROOT = Path(__file__).resolve().parent.parent
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def error_line(*args) -> str:
    result = CliRunner().invoke(cli.main, list(args), catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line]
    assert len(lines) == 1, result.output
    return lines[0]


def _onet_with(tmp_path: Path, name: str, shared: bytes, sheet: bytes) -> Path:
    folder = tmp_path / "onet"
    shutil.copytree(fx.ONET, folder)
    with zipfile.ZipFile(folder / name, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("xl/sharedStrings.xml", shared)
        book.writestr("xl/worksheets/sheet1.xml", sheet)
    return folder


def _sheet(cells: str) -> bytes:
    return (f'<?xml version="1.0"?><worksheet {NS}><sheetData><row r="1">{cells}</row>'
            '</sheetData></worksheet>').encode()


def _many_strings(count: int) -> bytes:
    return (f'<?xml version="1.0"?><sst {NS}>'.encode() + b"<si><t>x</t></si>" * count
            + b"</sst>")


def test_shared_string_bomb_is_one_line(tmp_path):
    from kg.importers import xlsx

    count = xlsx.MAX_SHARED_STRINGS + 1 if hasattr(xlsx, "MAX_SHARED_STRINGS") else 1_000_001
    folder = _onet_with(tmp_path, "Skills.xlsx", _many_strings(count), _sheet(""))
    assert (folder / "Skills.xlsx").stat().st_size < 200_000  # a small file...
    line = error_line("import", "onet", str(folder), "-o", str(tmp_path / "o.ttl"))
    assert "Skills.xlsx, row 1: over 1,000,000 shared strings" in line  # ...refused early
    assert not (tmp_path / "o.ttl").exists()


@pytest.mark.parametrize("ref", ["ZZZZZZZ1", "XFE1", "a1", "\u0661\u0662A1"])
def test_cell_reference_past_the_last_column(tmp_path, ref):
    folder = _onet_with(tmp_path, "Skills.xlsx", _many_strings(1),
                        _sheet(f'<c r="{ref}" t="s"><v>0</v></c>'))
    line = error_line("import", "onet", str(folder), "-o", str(tmp_path / "o.ttl"))
    assert line.startswith("Error: ") and "Skills.xlsx, row 1: the cell reference" in line


@pytest.mark.parametrize("cells, said", [
    ('<c r="A1" t="s"><v>-1</v></c>', "shared string -1 of 1"),
    ('<c r="A1"><v>' + "9" * 40_000 + "</v></c>", "a cell of over 32,767 characters")])
def test_damaged_cells(tmp_path, cells, said):
    folder = _onet_with(tmp_path, "Skills.xlsx", _many_strings(1), _sheet(cells))
    line = error_line("import", "onet", str(folder), "-o", str(tmp_path / "o.ttl"))
    assert said in line


def _profiles_bomb(folder: Path, values: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    profiles = fx.ESCO_PROFILES
    table = pa.table({k: [p[k] for p in profiles] for k in profiles[0]})
    # one value repeated: dictionary-encoded, the file stays a few kB
    repeated = pa.DictionaryArray.from_arrays(pa.nulls(values, pa.int8()).fill_null(0),
                                              pa.array(["data mining"]))
    many = pa.ListArray.from_arrays(pa.array([0, values] + [values] * (len(profiles) - 1),
                                             pa.int32()), repeated)
    table = table.set_column(table.schema.get_field_index("optional_skills"),
                             "optional_skills", many)
    pq.write_table(table, folder / "esco_occupation_profiles.parquet", compression="zstd")


def test_parquet_bomb_is_refused_from_its_metadata(tmp_path):
    folder = fx.write_esco(tmp_path / "esco")
    _profiles_bomb(folder, 3_000_000)
    assert (folder / "esco_occupation_profiles.parquet").stat().st_size < 20_000
    line = error_line("import", "esco", str(folder), "-o", str(tmp_path / "o.ttl"))
    assert "3,000,0" in line and "values in the columns read (at most 2,000,000)" in line


def test_concept_uri_with_escape_is_one_escaped_line(tmp_path):
    folder = fx.write_esco(tmp_path / "esco")
    path = folder / "occupations_en.csv"
    path.write_text(path.read_text().replace(fx.AI_ENGINEER, fx.AI_ENGINEER + "\x1b]52;c;aGk=\x07"))
    line = error_line("import", "esco", str(folder), "-o", str(tmp_path / "o.ttl"))
    assert "\x1b" not in line and "\x07" not in line
    assert "occupations_en.csv, row " in line and "the 'conceptUri' cell" in line
    assert "\\x1b]52" in line


# VmHWM, this process's own peak (ru_maxrss keeps the forking parent's across exec)
_PEAK = """
import sys
from kg.cli import main
try:
    main(["import", sys.argv[1], sys.argv[2], "-o", sys.argv[3]], prog_name="aikg")
except SystemExit:
    pass
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")))
"""


@pytest.mark.parametrize("kind", ["onet", "esco"])
def test_peak_memory_of_a_bomb_under_1_gb(tmp_path, kind):
    """The red team's sizes (50M shared strings in a 2.1 MB zip; a parquet file of a few kB
    holding tens of millions of values), imported in a child process: at most 1 GB."""
    if kind == "onet":
        folder = _onet_with(tmp_path, "Skills.xlsx", _many_strings(8_000_000), _sheet(""))
    else:
        folder = fx.write_esco(tmp_path / "esco")
        _profiles_bomb(folder, 20_000_000)
    done = subprocess.run([sys.executable, "-c", _PEAK, kind, str(folder), str(tmp_path / "o")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "Traceback" not in done.stderr, done.stderr
    assert "Error: " in done.stderr
    peak_kib = int(done.stdout.split()[-1])
    assert peak_kib < 1 << 20, f"{peak_kib / 1024:.0f} MiB"


def test_parquet_of_one_huge_value_repeated_is_refused_before_decoding(tmp_path):
    """60 copies of one 30 MB string: a 3.6 kB file, 1.8 GB decoded; its metadata (61 values,
    a 31 MB chunk) is within the limits, so the decoded size is counted first."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = fx.write_esco(tmp_path / "esco")
    profiles = fx.ESCO_PROFILES
    table = pa.table({k: [p[k] for p in profiles] for k in profiles[0]})
    repeated = pa.DictionaryArray.from_arrays(pa.array([0] * 60, pa.int8()),
                                              pa.array(["x" * (30 << 20)]))
    many = pa.ListArray.from_arrays(pa.array([0, 60, 60], pa.int32()), repeated)
    table = table.set_column(table.schema.get_field_index("optional_skills"),
                             "optional_skills", many)
    pq.write_table(table, folder / "esco_occupation_profiles.parquet", compression="zstd")
    done = subprocess.run([sys.executable, "-c", _PEAK, "esco", str(folder), str(tmp_path / "o")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "Traceback" not in done.stderr, done.stderr
    assert "bytes of text in 2 rows" in done.stderr, done.stderr
    assert int(done.stdout.split()[-1]) < 1 << 20
