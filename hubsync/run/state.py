"""What one run has learnt of HubSpot, owned by the run and handed to the stages."""

from __future__ import annotations

from dataclasses import dataclass, field

from hubsync.bookings.figures_stage import DealCache
from hubsync.companies.directory import CompanyDirectory
from hubsync.companies.stage import CompanyStage
from hubsync.customers.directory import ContactDirectory
from hubsync.portal.specs import COMPANY_KEY
from hubsync.run.online import Online


@dataclass
class RunState:
    """What this run has learnt of HubSpot, owned by the run and handed to the stages."""

    directory: ContactDirectory
    deals: DealCache = field(default_factory=dict)  # deal id → properties seen this run
    companies: CompanyDirectory = field(default_factory=lambda: CompanyDirectory(COMPANY_KEY))

    def company_stage(self, online: Online) -> CompanyStage | None:
        """The company steps' view of this run, None when companies are off."""
        if online.companies is None or online.company_figures is None:
            return None
        return CompanyStage(
            online.client,
            online.companies,
            online.company_figures,
            self.directory,
            self.companies,
            self.deals,
        )
