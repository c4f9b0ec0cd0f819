"""Pre-flight schema check and `setup` against the emulator's properties API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hubsync.config import Settings
from hubsync.emulator import Emulator
from hubsync.errors import ConfigError
from hubsync.hubspot import HubSpotClient
from hubsync.mapping.load import load_mapping
from hubsync.portal.schema import check_schema, read_schema
from hubsync.portal.setup import setup_portal
from hubsync.run.services import open_client, portal_options

FACILITY = "McArena Schorndorf"


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[tuple[Emulator, HubSpotClient, Settings]]:
    with Emulator(with_hubsync_schema=True) as emulator:
        settings = Settings(
            data_dir=tmp_path,
            hubspot_token=emulator.token,
            hubspot_base_url=emulator.url,
            contact_category=FACILITY,
        )
        with open_client(settings) as client:
            assert client is not None
            yield emulator, client, settings


def problems(client: HubSpotClient, settings: Settings, **kwargs: object) -> list[str]:
    try:
        check_schema(read_schema(client), portal_options(settings), load_mapping(None), **kwargs)  # type: ignore[arg-type]
    except ConfigError as exc:
        return exc.problems
    return []


def test_a_set_up_portal_passes(portal: tuple[Emulator, HubSpotClient, Settings]) -> None:
    _, client, settings = portal
    assert problems(client, settings, facilities=[FACILITY]) == []


def test_wrong_types_missing_options_and_stages_are_named_together(
    portal: tuple[Emulator, HubSpotClient, Settings],
) -> None:
    emulator, client, settings = portal
    emulator.store.properties["deals"]["buchungsstunden"]["type"] = "string"
    emulator.store.properties["contacts"]["anzahl_buchungen"]["type"] = "string"
    settings = Settings(**{**settings.__dict__, "deal_cancelled_stage": "storniert"})

    found = problems(client, settings, facilities=[FACILITY, "Soccerhalle Waiblingen"])

    assert found[0] == "HubSpot portal is not set up for hubsync:"
    assert "contact property 'anzahl_buchungen' is of type string, expected number" in found
    assert "deal property 'buchungsstunden' is of type string, expected number" in found
    assert (
        "'Soccerhalle Waiblingen' is not an option of contact property 'kontaktkategorie' "
        "(hubsync setup --facility 'Soccerhalle Waiblingen')" in found
    )
    assert any("'storniert' (HUBSYNC_DEAL_CANCELLED_STAGE)" in p for p in found)
    assert found[-1].startswith("Run `hubsync setup`")


def test_setup_adds_a_new_facility_option_and_changes_nothing_else(
    portal: tuple[Emulator, HubSpotClient, Settings],
) -> None:
    emulator, client, settings = portal
    before = {k: dict(v) for k, v in emulator.store.properties["contacts"].items()}

    done = setup_portal(client, portal_options(settings), facilities=["Soccerhalle Waiblingen"])

    assert done == ["contacts: option(s) 'Soccerhalle Waiblingen' added to 'kontaktkategorie'"]
    after = emulator.store.properties["contacts"]
    options = [o["value"] for o in after["kontaktkategorie"]["options"]]
    assert options == [FACILITY, "Soccerhalle Waiblingen"]
    assert {k for k in after if after[k] != before.get(k)} == {"kontaktkategorie"}
    assert (
        setup_portal(client, portal_options(settings), facilities=["Soccerhalle Waiblingen"]) == []
    )


def test_setup_cli_adds_facilities_named_on_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from hubsync.cli import main

    with Emulator(with_hubsync_schema=True) as emulator:
        env = {
            "HUBSPOT_ACCESS_TOKEN": emulator.token,
            "HUBSPOT_BASE_URL": emulator.url,
            "HUBSYNC_CONTACT_CATEGORY": FACILITY,
        }
        args = ["setup", "--facility", "Soccerhalle Waiblingen", "--env-file", str(tmp_path / "x")]
        result = CliRunner().invoke(main, args, env=env)
        category = emulator.store.properties["contacts"]["kontaktkategorie"]
        options = [o["value"] for o in category["options"]]

    assert result.exit_code == 0, result.output
    assert options == [FACILITY, "Soccerhalle Waiblingen"]


def test_setup_creates_the_properties_a_mapping_file_adds(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from hubsync.cli import main

    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        "[contacts.columns]\n"
        '"Lieblingsplatz" = "lieblingsplatz"\n'
        '"Mitglied bis" = { property = "mitglied_bis", kind = "date" }\n',
        encoding="utf-8",
    )
    with Emulator(with_hubsync_schema=True) as emulator:
        env = {
            "HUBSPOT_ACCESS_TOKEN": emulator.token,
            "HUBSPOT_BASE_URL": emulator.url,
            "HUBSYNC_CONTACT_CATEGORY": FACILITY,
            "HUBSYNC_MAPPING": str(mapping),
        }
        result = CliRunner().invoke(main, ["setup", "--env-file", str(tmp_path / "x")], env=env)
        props = emulator.store.properties["contacts"]
        created = {name: props[name]["type"] for name in ("lieblingsplatz", "mitglied_bis")}

    assert result.exit_code == 0, result.output
    assert created == {"lieblingsplatz": "string", "mitglied_bis": "date"}
    assert "contacts: property 'lieblingsplatz' (string) created" in result.output
