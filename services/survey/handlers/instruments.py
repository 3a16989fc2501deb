"""Publishing instruments, and installing the ones the suite ships."""

from __future__ import annotations

from services.kernel.auth import Principal, Role
from services.kernel.repository import MAX_PAGE, Page, added
from services.survey import commands, domain
from services.survey.domain.instruments import instrument_id
from services.survey.repository import Survey
from services.survey.shipped.instruments import builtin_instruments


async def publish_instrument(
    cmd: commands.PublishInstrument, principal: Principal, survey: Survey
) -> domain.Instrument:
    principal.require_role(Role.ADMIN)
    instrument = domain.Instrument.publish(
        key=cmd.key, instrument_version=cmd.version, title=cmd.title, sections=cmd.sections,
        published_by=principal.subject,
    )  # fmt: skip
    return await added(survey.instruments, instrument)


async def install_builtin(survey: Survey) -> int:
    """Publishes each shipped instrument that the store does not hold yet; returns how many."""
    installed = 0
    for shipped in builtin_instruments():
        if await survey.instruments.get(shipped.id) is None:
            instrument = domain.Instrument.publish(**shipped.state() | {"published_by": "suite"})
            await survey.instruments.add(instrument)
            installed += 1
    return installed


async def find_instrument(
    survey: Survey, key: str, version: int | None = None
) -> domain.Instrument | None:
    """A version of an instrument, or its latest version."""
    if version is not None:
        return await survey.instruments.get(instrument_id(key, version))
    versions = await survey.instruments.list(key, Page(MAX_PAGE))
    return max(versions, key=lambda i: i.instrument_version, default=None)
