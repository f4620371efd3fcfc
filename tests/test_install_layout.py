"""Where builds go: a checkout's release/ folder, an installed package's user cache.

The wheel test (tests/test_packaging.py, slow) checks this end to end; these run in
milliseconds by pretending the release ships inside the package, as it does in a wheel.
"""

from __future__ import annotations

from kg.store import release as store


def test_a_checkout_builds_into_its_release_folder():
    assert not store.is_installed()
    assert store.build_dir() == store.release_dir()


def test_an_installed_package_builds_into_the_user_cache(monkeypatch, tmp_path):
    inside = store._HERE / "release"
    monkeypatch.setattr(store, "release_dir", lambda: inside)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert store.is_installed()
    target = store.build_dir()
    assert target.is_relative_to(tmp_path / "ai-leadership-kg")
    assert not target.is_relative_to(store._HERE)
    assert target.name == store.sources_digest()[:16]  # where current_release() looks
