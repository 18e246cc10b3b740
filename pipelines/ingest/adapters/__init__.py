"""The adapter registry: every export format the product reads, tried in priority order."""

from __future__ import annotations

from pipelines.ingest.adapters import (
    ado_csv,
    canonical,
    clockify,
    harvest,
    jira_csv,
    mspdi,
    service_desk,
    tempo,
    toggl,
)
from pipelines.ingest.adapters.base import Adapter

ADAPTERS: tuple[Adapter, ...] = (
    *jira_csv.ADAPTERS,
    *ado_csv.ADAPTERS,
    *mspdi.ADAPTERS,
    *service_desk.ADAPTERS,
    *tempo.ADAPTERS,
    *harvest.ADAPTERS,
    *toggl.ADAPTERS,
    *clockify.ADAPTERS,
    *canonical.ADAPTERS,
)


def adapter_by_name(name: str) -> Adapter:
    for adapter in ADAPTERS:
        if adapter.name == name:
            return adapter
    raise KeyError(name)
