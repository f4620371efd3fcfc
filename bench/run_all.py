"""Run every benchmark in this folder, one after the other (``make bench``).

Each script prints its own table; run one alone with ``.venv/bin/python bench/<name>.py``
(``--help`` lists its options). Benchmarks are not tests: they measure, they do not assert.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n## {script.name}\n", flush=True)
        failed += subprocess.run([sys.executable, str(script)]).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
