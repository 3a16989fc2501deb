"""Who may change what in the catalog. What it holds (regions, masterplans, programs and
their progress, quick wins, cycles) is the programme's public record: any caller may read
it. Changing it is guarded here, by rules several handlers share."""

from __future__ import annotations

from typing import Any

from services.kernel.auth import Principal, Role


def require_admin(principal: Principal) -> None:
    """Regions are registered, cycles opened and quick wins decided by the ministry's admins."""
    principal.require_role(Role.ADMIN)


def require_writer_of(principal: Principal, region_code: str, field: str = "regionCode") -> None:
    """A region's masterplans, programs and proposals: its own operators, or an admin."""
    principal.require_region_writer(region_code, field)


def require_region_change(principal: Principal, region_code: str, changes: dict[str, Any]) -> None:
    """A region's operator edits its description; only an admin moves it to another cohort."""
    require_writer_of(principal, region_code, "code")
    if "cohort" in changes:
        require_admin(principal)
