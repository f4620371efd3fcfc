"""The workspace: user files parsed and checked once, merged into a store every command reuses."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import zlib
from pathlib import Path

import pytest

import kg
from kg import build as building
from kg.store import workspace
from kg.cli import main
from kg.errors import CheckFailed, SourceError
from kg.importers.align.apply import WorkspaceMappings
from kg.loading import warm_caches
from kg.store.workspace import Workspace

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "acme-career-ladder.ttl"
PREFIXES = """@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
# A role without definition or source: the shapes refuse it.
BAD = PREFIXES + 'ail:Unsourced a ail:Role ; rdfs:label "Unsourced role"@en .\n'


@pytest.fixture()
def space(tmp_path):
    # as the CLI asks for its merges: warmed, and with the alignment's hook
    return Workspace(tmp_path / "ws", warm=warm_caches, mappings=WorkspaceMappings())


@pytest.fixture()
def example(tmp_path):
    copy = tmp_path / "acme.ttl"
    shutil.copy(EXAMPLE, copy)
    return copy


def _stores(space: Workspace) -> list[Path]:
    return sorted(p for p in (space.folder / "stores").iterdir() if not p.name.startswith("."))


def _roles(graph) -> set[str]:
    return {row["roleLabel"] for row in graph.named("ladder")}


def test_added_file_joins_every_later_load(space, example):
    space.add([example])
    graph = kg.load(workspace=space)
    assert "Principal ML Engineer" in _roles(graph)
    assert "Principal ML Engineer" not in _roles(kg.load())
    assert [s.status for s in space.sources()] == ["ok"]
    assert space.sources()[0].triples > 0


def test_later_loads_neither_parse_nor_check_again(space, example, monkeypatch):
    space.add([example])
    built = _stores(space)

    def refuse(*args, **kwargs):
        raise AssertionError("checked again")

    monkeypatch.setattr(building, "check_extra", refuse)
    monkeypatch.setattr("kg.store.turtle.read_turtle", refuse)
    assert "Principal ML Engineer" in _roles(kg.load(workspace=space))
    assert _stores(space) == built


def test_a_store_aligned_by_another_version_is_built_again(tmp_path, example):
    """The alignment's version is part of a store's key: after an upgrade that changes the
    alignment, a workspace answers from a newly aligned store, not the old one."""
    class Upgraded(WorkspaceMappings):
        version = "align-upgraded"

    before = Workspace(tmp_path / "ws", warm=warm_caches, mappings=WorkspaceMappings())
    before.add([example])
    built = _stores(before)
    after = Workspace(tmp_path / "ws", warm=warm_caches, mappings=Upgraded())
    assert "Principal ML Engineer" in _roles(kg.load(workspace=after))
    assert len(set(_stores(after)) - set(built)) == 1  # a new store, aligned anew
    assert WorkspaceMappings().version.startswith("align-")  # a digest of the code, not a name


def test_a_failing_file_is_not_added_and_the_workspace_stays(space, example, tmp_path):
    space.add([example])
    before = (space.folder / "workspace.json").read_bytes()
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD)
    with pytest.raises(CheckFailed, match="Unsourced"):
        space.add([bad])
    assert (space.folder / "workspace.json").read_bytes() == before
    assert not [p for p in (space.folder / "stores").iterdir() if p.name.startswith(".")]


def test_an_interrupted_add_leaves_the_workspace_as_it_was(space, example, monkeypatch, tmp_path):
    space.add([example])
    before = (space.folder / "workspace.json").read_bytes()
    other = tmp_path / "other.ttl"
    other.write_text(EXAMPLE.read_text().replace("acme/careers#", "acme2/careers#")
                     .replace("Principal ML Engineer", "Staff ML Engineer")
                     .replace("Acme ", "Acme2 "))

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    # Ctrl-C while the store is written and the check runs in its child process
    monkeypatch.setattr(space, "warm", interrupt)
    with pytest.raises(KeyboardInterrupt):
        space.add([other])
    assert (space.folder / "workspace.json").read_bytes() == before
    assert not [p for p in (space.folder / "stores").iterdir() if p.name.startswith(".")]


def test_a_changed_file_is_merged_again(space, example):
    space.add([example])
    example.write_text(example.read_text().replace('"Principal ML Engineer"@en',
                                                   '"Principal AI Engineer"@en'))
    assert [s.status for s in space.sources()] == ["changed"]
    assert "Principal AI Engineer" in _roles(kg.load(workspace=space))


def test_a_changed_file_that_fails_warns_and_answers_from_the_last_good_graph(space, example):
    space.add([example])
    example.write_text(example.read_text() + BAD.split("\n", 2)[2])
    with pytest.warns(UserWarning, match="last checked"):
        graph = kg.load(workspace=space)
    assert "Principal ML Engineer" in _roles(graph)
    assert "Unsourced role" not in _roles(graph)


def test_with_files_use_the_same_stores(space, example):
    first = space.open([example])
    second = space.open([example])
    assert first.folder == second.folder
    assert len(_stores(space)) == 1
    assert space.recorded() == []  # --with never records the file


def test_remove_and_remove_all(space, example):
    space.add([example])
    space.remove([example])
    assert space.recorded() == []
    assert "Principal ML Engineer" not in _roles(kg.load(workspace=space))
    space.remove(everything=True)
    assert not space.folder.exists()


def test_devices_are_refused(space):
    with pytest.raises(SourceError, match="not a regular file|character device"):
        space.add(["/dev/zero"])


def test_cached_projection_gives_the_same_path(space, example):
    from kg.paths import answers as paths
    from kg.paths import ladder as role_graph

    space.add([example])
    fresh = paths.find_path(kg.load(extra=[example], check=False), "Lead AI Engineer",
                            "Head of AI Engineering").to_dict()
    for _ in range(2):  # the first fills the cache, the second reads it
        cached = paths.find_path(kg.load(workspace=space), "Lead AI Engineer",
                                 "Head of AI Engineering").to_dict()
        assert cached == fresh
    names = kept_names(kg.load(workspace=space).folder)
    kept = f"projection-{role_graph.FORMAT}"
    assert f"{kept}.ladder" in names and f"{kept}-lateral.ladder" in names
    assert len([n for n in names if n.startswith("results-")]) == 2  # stats, query ladder


@pytest.mark.parametrize("lateral", [False, True])
def test_kept_projection_is_the_built_one(space, example, lateral):
    from kg.paths import answers as paths
    from kg.paths import ladder as role_graph

    space.add([example])
    built = paths.build_projection(*(kg.load(workspace=space).named(name) for name in (
        "role-progression", "skills-for-role", "responsibilities-by-area", "qualifications",
        "experience-requirements")), matches=kg.load(workspace=space).named("skill-matches"),
        moves=kg.load(workspace=space).named("occupation-moves") if lateral else ())
    kept = paths.project(kg.load(workspace=space), lateral)  # read from the folder
    assert role_graph.to_data(kept) == role_graph.to_data(built)
    assert [kept.nodes[n]["mask"] for n in kept] == [built.nodes[n]["mask"] for n in built]


def test_a_ladder_kept_by_another_version_is_deleted_when_the_ladder_is_kept_again(space, example):
    from kg.paths import answers as paths
    from kg.paths import ladder as role_graph

    from kg.store import kept

    space.add([example])
    folder = kg.load(workspace=space).folder
    current = f"projection-{role_graph.FORMAT}.ladder"
    older = f"projection-{role_graph.FORMAT - 1}.json"  # as versions before 4 kept it
    kept.write_bytes(folder, older, kept.read_bytes(folder, current))
    kept.drop(folder, current, set())  # as after an upgrade: only the other version's ladder
    paths.find_path(kg.load(workspace=space), "Lead AI Engineer", "Head of AI Engineering")
    assert current in kept_names(folder) and older not in kept_names(folder)


def test_a_dropped_ladder_gives_its_space_back(tmp_path):
    # a ladder kept in an older format is dropped when it is kept again: the file must shrink,
    # not keep the old ladder's pages free inside it
    from kg.store import kept

    folder = tmp_path / "store"
    folder.mkdir(mode=0o700)
    for version in range(3):
        kept.write_bytes(folder, f"projection-{version}.ladder", os.urandom(2 << 20))
    full = (folder / kept.DB).stat().st_size
    kept.drop(folder, "projection-", {"projection-2.ladder"})
    assert (folder / kept.DB).stat().st_size < full / 2
    assert kept.read_bytes(folder, "projection-2.ladder") is not None


def test_a_moved_folder_keeps_nothing_of_its_old_name_and_caches_again(tmp_path):
    # what a copied or moved folder's kept.db holds is not served (it may be another store's),
    # but the folder's own writes are kept from then on, not dropped for good
    from kg.store import kept

    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(mode=0o700)
    kept.write_bytes(old, "results-x", b"old answer")
    kept.write_digests(old, {"/data/a.ttl": ("1:2:3:4:5", "a" * 64)})
    kept.forget(old)
    old.rename(new)
    assert kept.read_bytes(new, "results-x") is None and kept.read_digests(new) == {}
    kept.forget(new)
    kept.write_digests(new, {"/data/b.ttl": ("6:7:8:9:10", "b" * 64)})
    assert kept.read_digests(new) == {"/data/b.ttl": ("6:7:8:9:10", "b" * 64)}
    assert kept.read_bytes(new, "results-x") is None  # the old entries are gone, not revived


def test_a_damaged_or_older_projection_is_rebuilt(space, example):
    from kg.paths import answers as paths
    from kg.paths import ladder as role_graph

    space.add([example])
    folder = kg.load(workspace=space).folder
    expected = paths.find_path(kg.load(workspace=space), "Lead AI Engineer",
                               "Head of AI Engineering").to_dict()
    kept = KeptEntry(folder, f"projection-{role_graph.FORMAT}.ladder")
    good = kept.read_bytes()
    crc, head, body = good.split(b"\n", 2)
    header = json.loads(head)
    count, places = len(header["nodes"]), header["packed"]

    def told(sum_again: bool = False, **parts) -> bytes:  # the header says otherwise
        rest = json.dumps({**header, **parts}).encode() + b"\n" + body
        return (b"%08x" % zlib.crc32(rest) if sum_again else crc) + b"\n" + rest

    flipped = good[:-5] + bytes([good[-5] ^ 1]) + good[-4:]  # one bit of the numbers
    for damage in (b'{"format": 0, "nodes": []}', b"{not json", b"", good[:len(good) // 2],
                   flipped, crc + b"\n" + head, b"00000000" + good[8:], told(format=0),
                   told(packed={**places, "order": places["role_ends"]}),
                   # a header that sums right but does not fit its parts
                   told(True, nodes=[["x"]]), told(True, nodes=header["nodes"][:-1]),
                   told(True, details=[[]] * count), told(True, move_kinds=[["move", "2"]]),
                   told(True, move_kinds=[["move", 2, 3]]),
                   told(True, packed={**places, "edges": [0, 10 ** 6]}),
                   told(True, packed={**places, "order": places["role_ends"]}),
                   told(True, packed={k: v for k, v in places.items() if k != "by_iri"})):
        kept.write_bytes(damage)
        assert paths.find_path(kg.load(workspace=space), "Lead AI Engineer",
                               "Head of AI Engineering").to_dict() == expected
        assert kept.read_bytes() != damage  # and kept again, whole


def test_cli_add_sources_remove(runner, tmp_path, example):
    ws = ["--workspace", str(tmp_path / "cli-ws")]
    added = runner.invoke(main, [*ws, "add", str(example)])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, [*ws, "sources", "--format", "json"])
    assert [s["status"] for s in json.loads(listed.stdout)["sources"]] == ["ok", "ok"]
    ladder = runner.invoke(main, [*ws, "query", "ladder", "--format", "csv"])
    assert "Principal ML Engineer" in ladder.stdout
    missing = runner.invoke(main, [*ws, "add", str(tmp_path / "nope.ttl")])
    assert missing.exit_code == 1
    assert missing.stderr.strip().startswith("Error:") and "nope.ttl" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    unknown = runner.invoke(main, [*ws, "remove", str(tmp_path / "nope.ttl")])
    assert unknown.exit_code == 1 and "not in the workspace" in unknown.stderr
    removed = runner.invoke(main, [*ws, "remove", str(example)])
    assert removed.exit_code == 0
    ladder = runner.invoke(main, [*ws, "query", "ladder", "--format", "csv"])
    assert "Principal ML Engineer" not in ladder.stdout


def test_shipped_query_answers_are_kept_beside_the_store_and_stay_the_same(space, example):
    from kg.query import catalogue
    from kg.query import formats

    def csv(graph, name):
        import io

        out = io.BytesIO()
        formats.write(graph.run(catalogue.get(name).text), "csv", out, None, graph.prefixes)
        return out.getvalue()

    fresh = kg.load(extra=[example], check=False)  # no workspace folder: nothing cached
    space.add([example])
    for _ in range(2):  # the first run writes the answer, the second reads it
        graph = kg.load(workspace=space)
        for name in ("ladder", "class-counts", "skills-for-role"):
            assert csv(graph, name) == csv(fresh, name)
    assert [n for n in kept_names(graph.folder) if n.startswith("results-")]


def test_tables_of_shipped_queries_are_kept_beside_the_store_and_stay_the_same(runner, space,
                                                                               example):
    """'aikg query NAME' keeps the table or Markdown it printed; each format and label
    setting has its own, and each is what the same command prints without a workspace."""
    from kg.query import catalogue
    from kg.query import formats

    fresh = kg.load(extra=[example], check=False)  # no workspace folder: nothing kept
    ws = ["--workspace", str(space.folder)]
    assert runner.invoke(main, [*ws, "add", str(example)]).exit_code == 0
    for _ in range(2):  # the first run keeps each table, the second reads it
        for name in ("ladder", "class-counts"):
            results = lambda: fresh.run(catalogue.get(name).text)  # noqa: E731
            for fmt, labels in (("table", True), ("md", True), ("table", False)):
                args = [*ws, "query", name, "--format", fmt, *([] if labels else ["--no-labels"])]
                shown = runner.invoke(main, args)
                assert shown.exit_code == 0, shown.output
                expected = formats.render(results(), fmt, fresh.labels() if labels else None,
                                          fresh.prefixes).decode()
                assert shown.stdout == expected, (name, fmt, labels)
    assert len([n for n in kept_names(kg.load(workspace=space).folder)
                if n.startswith("shown-")]) == 6


def test_names_resolve_from_one_shard_of_the_kept_label_index(space, example, monkeypatch):
    from kg.errors import UnknownEntity
    from kg.graph import KnowledgeGraph

    space.add([example])
    g = kg.load(workspace=space)
    expected = g.resolve("Principal ML Engineer", cls="ail:Occupation")
    every_label = KnowledgeGraph.named_labels

    def refuse(self, cls):
        raise AssertionError("read every label to resolve an exact name")

    monkeypatch.setattr(KnowledgeGraph, "named_labels", refuse)
    fresh = kg.load(workspace=space)
    assert fresh.resolve("principal ml engineer", cls="ail:Occupation") == expected
    assert fresh.resolve("Chief AI Officer", cls="ail:Occupation").endswith("#HeadOfAIEngineering")
    monkeypatch.setattr(KnowledgeGraph, "named_labels", every_label)
    with pytest.raises(UnknownEntity, match="Did you mean 'Principal ML Engineer'"):
        fresh.resolve("Principal ML Enginer", cls="ail:Occupation")


def test_a_class_without_its_own_label_index_resolves_from_the_index_of_every_class(
        space, example, monkeypatch):
    """Regions and challenges (parameters of figures-in-region, practices-for-challenge)
    have no label index of their own: resolving one must not run the labels query for the
    class (13-14 s at 1M triples, first run), and must pick what that query would."""
    from kg.errors import UnknownEntity
    from kg.graph import KnowledgeGraph

    space.add([example])
    plain = kg.load(extra=[example], check=False)  # no folder: resolves from the labels query
    names = {cls: {r["label"] for r in plain.named_labels(cls)}
             for cls in ("ail:Region", "ail:Challenge")}
    assert all(names.values())
    expected = {(cls, n): plain.resolve(n, cls=cls) for cls in names for n in names[cls]}

    def refuse(self, cls):
        raise AssertionError(f"read every label of {cls} to resolve an exact name")

    monkeypatch.setattr(KnowledgeGraph, "named_labels", refuse)
    fresh = kg.load(workspace=space)
    for (cls, name), iri in expected.items():
        assert fresh.resolve(name.upper(), cls=cls) == iri, (cls, name)
    # a label of another class is not a region: refused (the suggestions read every label)
    with pytest.raises(UnknownEntity, match="No region matches 'Python'"):
        fresh.resolve("Python", cls="ail:Region", suggest=False)


def test_skill_matches_behind_resolving_a_skill_are_kept_at_the_merge(space, example,
                                                                       monkeypatch):
    """A skill named by several vocabularies (Python: ail:, O*NET, ESCO) resolves through
    the skill-matches rows: running that query on every resolution took 1.2-1.4 s."""
    from kg.graph import KnowledgeGraph

    space.add([example])
    expected = kg.load(extra=[example], check=False).equivalents()

    def refuse(self, name, **params):
        raise AssertionError(f"ran {name} again")

    monkeypatch.setattr(KnowledgeGraph, "named", refuse)
    assert kg.load(workspace=space).equivalents() == expected


def kept_names(folder: Path) -> list[str]:
    """The names of the entries kept beside a store (in its kept.db)."""
    import sqlite3

    with sqlite3.connect(folder / "kept.db") as db:
        return [name for (name,) in db.execute("SELECT name FROM kept")]


class KeptEntry:
    """One kept entry, read and written as a file was."""

    def __init__(self, folder: Path, name: str):
        self.folder, self.name = folder, name

    def read_bytes(self) -> bytes:
        from kg.store import kept

        return kept.read_bytes(self.folder, self.name)

    def write_bytes(self, data: bytes) -> None:
        from kg.store import kept

        kept.write_bytes(self.folder, self.name, data)


def _settled(path: Path, seconds_ago: int = 3600) -> None:
    """Give ``path`` an mtime well in the past, as a file not edited lately has."""
    old = time.time_ns() - seconds_ago * 10 ** 9
    os.utime(path, ns=(old, old))


def test_a_file_changed_under_the_same_size_and_mtime_is_noticed(runner, tmp_path, example):
    """The digest kept under a file's inode, size, mtime and ctime: a change that puts the
    size and mtime back (a same-length edit, then 'touch -d') still shows in the ctime."""
    ws = ["--workspace", str(tmp_path / "cli-ws")]
    _settled(example)
    assert runner.invoke(main, [*ws, "add", str(example)]).exit_code == 0
    from kg.store import kept

    assert kept.read_digests(tmp_path / "cli-ws")
    before = example.stat()
    text = example.read_text()
    assert "Principal ML Engineer" in text
    example.write_text(text.replace("Principal ML Engineer", "Principal XY Engineer"))
    os.utime(example, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert example.stat().st_size == before.st_size
    assert example.stat().st_mtime_ns == before.st_mtime_ns
    ladder = runner.invoke(main, [*ws, "query", "ladder", "--format", "csv"])
    assert "Principal XY Engineer" in ladder.stdout
    assert "Principal ML Engineer" not in ladder.stdout


def test_a_settled_file_is_not_read_again_to_hash_it(space, example, monkeypatch):
    _settled(example)
    space.add([example])
    expected = kg.load(workspace=space).named("ladder")

    def refuse(path):
        raise AssertionError(f"hashed {path} again")

    monkeypatch.setattr(workspace, "file_digest", refuse)
    assert kg.load(workspace=space).named("ladder") == expected
    example.write_text(example.read_text() + "\n")  # changed: hashed again
    with pytest.raises(AssertionError, match="hashed"):
        kg.load(workspace=space)


def test_a_file_edited_just_now_is_hashed_every_time(space, example, monkeypatch):
    """A file whose mtime is within a clock tick of its reading could change again unseen."""
    space.add([example])  # just copied: its mtime is now
    calls = []
    monkeypatch.setattr(workspace, "file_digest", lambda path: calls.append(path) or
                        hashlib.sha256(path.read_bytes()).hexdigest())
    kg.load(workspace=space)
    kg.load(workspace=space)
    assert calls == [example.resolve()] * 2
