"""A local HubSpot CRM emulator for the demo, the tests and the benchmark."""

from hubsync.emulator.faults import FaultPlan
from hubsync.emulator.server import Emulator, LoggedRequest
from hubsync.emulator.store import Store

__all__ = ["Emulator", "FaultPlan", "LoggedRequest", "Store"]
