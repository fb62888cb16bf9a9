"""The pages' fixtures (teams and staff, signed-in clients), for credentials tested through them."""

from __future__ import annotations

from tests.web.conftest import fresh_limits, signed_in, world

__all__ = ["fresh_limits", "signed_in", "world"]
