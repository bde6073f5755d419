"""The public pages of study tours: the facilities, the request form, the organiser's page."""

from __future__ import annotations
