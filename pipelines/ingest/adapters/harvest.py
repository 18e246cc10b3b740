"""Adapter module placeholder: filled in with the harvest reader."""

from __future__ import annotations

from pipelines.ingest.adapters.base import Adapter

ADAPTERS: tuple[Adapter, ...] = ()
