"""Staff keep the list of facilities groups can visit."""

from __future__ import annotations
