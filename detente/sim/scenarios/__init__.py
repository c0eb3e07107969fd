"""Example scenarios shipped with detente (YAML files read with importlib.resources)."""

from __future__ import annotations
