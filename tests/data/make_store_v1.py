"""Write tests/data/store_v1.sqlite: a store at schema version 1 holding a few rows.

Run from the repository root:  .venv/bin/python tests/data/make_store_v1.py

Made with ``Store(path, upto=1)``, so it is exactly what a store created by the
first release looks like. Small pages and no WAL keep the file small and self-contained.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cocope_kit.store import Store

OUT = Path(__file__).resolve().parent / "store_v1.sqlite"

ROWS = {
    "cop": [{"cop_id": "pt-1", "name": "Recreio para todos", "school": "Escola Básica do Sul",
             "country": "PT", "language": "pt", "created_on": "2025-09-15"}],
    "member": [
        {"member_id": "pt-1:m1", "cop_id": "pt-1", "name": "Maria Costa",
         "pseudonym": "Professora A", "role": "teacher", "core": True, "joined_on": "2025-09-15"},
        {"member_id": "pt-1:m2", "cop_id": "pt-1", "name": "João Lima",
         "pseudonym": "Aluno B", "role": "student", "core": False, "joined_on": "2025-09-15"},
    ],
    "meeting": [{"meeting_id": "pt-1:mt1", "cop_id": "pt-1", "phase": "domain",
                 "held_on": "2025-10-01", "note": "primeiro encontro"}],
    "attendance": [
        {"meeting_id": "pt-1:mt1", "member_id": "pt-1:m1", "present": True, "contributions": 5},
        {"meeting_id": "pt-1:mt1", "member_id": "pt-1:m2", "present": True, "contributions": None},
    ],
    "pair_rating": [{"rating_id": "pt-1:pr1", "cop_id": "pt-1", "wave": "pre",
                     "rater_id": "pt-1:m2", "ratee_id": "pt-1:m1", "level": 3}],
}


def main() -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(OUT) + suffix).unlink(missing_ok=True)
    with Store(OUT, upto=1) as store:
        assert store.schema_version == 1
        store.write(ROWS)
    con = sqlite3.connect(OUT)
    con.execute("PRAGMA journal_mode = DELETE")
    con.execute("PRAGMA page_size = 1024")
    con.execute("VACUUM")
    con.close()


if __name__ == "__main__":
    main()
