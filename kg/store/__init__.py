"""Where the graph lives on disk: the release, a workspace's store, and safe files.

- :mod:`kg.store.release`: the sources and the release folders, opening the release in pyoxigraph.
- :mod:`kg.store.workspace`: a user's own files, checked once and merged into a kept store
  (:mod:`kg.store.merging` builds it); :mod:`kg.store.kept`: the answers kept beside it, in
  SQLite; :mod:`kg.store.folder`: a workspace folder that must be its user's alone, used
  without following links; :mod:`kg.store.records`: its JSON records, parsed strictly.
- :mod:`kg.store.io`: writes that never leave a half-written file; :mod:`kg.store.inputs`:
  untrusted input files read within limits.

Opening a store never builds the release: the command layer asks for a build.
"""
