"""Where the pipeline finds its registry and writes its warehouse and publication (from the environment)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_PARTNERS = "BEDIGITAL_PARTNERS"
ENV_WAREHOUSE = "BEDIGITAL_WAREHOUSE"
ENV_OUT = "BEDIGITAL_OUT"


@dataclass(frozen=True, slots=True)
class Settings:
    partners_dir: Path
    warehouse: Path
    out_dir: Path

    @property
    def archive_dir(self) -> Path:
        return self.warehouse.parent / "payloads"

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            partners_dir=Path(os.environ.get(ENV_PARTNERS, "partners")).resolve(),
            warehouse=Path(os.environ.get(ENV_WAREHOUSE, "data/warehouse.duckdb")).resolve(),
            out_dir=Path(os.environ.get(ENV_OUT, "data/public")).resolve(),
        )
