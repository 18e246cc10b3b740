"""Adapter module placeholder: filled in with the clockify reader."""

from __future__ import annotations

from pipelines.ingest.adapters.base import Adapter

ADAPTERS: tuple[Adapter, ...] = ()
