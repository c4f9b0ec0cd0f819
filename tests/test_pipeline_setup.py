"""`hubsync setup --pipeline`: a bookings pipeline of its own, made once, found again, and
refused with a way out when the subscription allows no further pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner, Result
from portal import FACILITY, Portal

from hubsync.catalogue.pipeline import PIPELINE
from hubsync.catalogue.text import render
from hubsync.cli import main
from hubsync.emulator import Emulator, FaultPlan
from hubsync.emulator.defaults import add_deal_pipeline
from hubsync.emulator.pipelines import create_pipeline
from hubsync.emulator.server import ALL_SCOPES
from hubsync.hubspot import ClientOptions, HubSpotClient, Stage
from hubsync.hubspot.pipelines import PipelineLimitReached, names_limit
from hubsync.hubspot.transport import Reply
from hubsync.summary import ExitCode


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(with_hubsync_schema=True) as running:
        yield running


def setup(emulator: Emulator, tmp_path: Path, *args: str, language: str = "en") -> Result:
    env = {
        "HUBSPOT_ACCESS_TOKEN": emulator.token,
        "HUBSPOT_BASE_URL": emulator.url,
        "HUBSYNC_CONTACT_CATEGORY": FACILITY,
        "HUBSYNC_DATA_DIR": str(tmp_path / "data"),
        "HUBSYNC_LANGUAGE": language,
    }
    no_env = tmp_path / "no-such.env"
    return CliRunner().invoke(main, ["setup", *args, "--env-file", str(no_env)], env=env)


def pipeline(emulator: Emulator, label: str) -> dict[str, Any]:
    (found,) = [p for p in emulator.store.pipelines["deals"] if p["label"] == label]
    return found


def options(emulator: Emulator, name: str) -> dict[str, str]:
    return {o["value"]: o["label"] for o in emulator.store.properties["deals"][name]["options"]}


def env_lines(p: dict[str, Any], booked: str, cancelled: str) -> str:
    ids = {s["label"]: s["id"] for s in p["stages"]}
    return (
        f"HUBSYNC_DEAL_PIPELINE={p['id']}\n"
        f"HUBSYNC_DEAL_STAGE={ids[booked]}\n"
        f"HUBSYNC_DEAL_CANCELLED_STAGE={ids[cancelled]}\n"
    )


# -- creates once, a second run changes nothing -----------------------------------------------


def test_creates_the_pipeline_once_in_german_and_a_second_run_changes_nothing(
    emulator: Emulator, tmp_path: Path
) -> None:
    first = setup(emulator, tmp_path, "--pipeline", "Buchungen", language="de")

    assert first.exit_code == 0, first.output
    made = pipeline(emulator, "Buchungen")
    gebucht, storniert = made["stages"]
    assert (gebucht["label"], gebucht["metadata"]) == (
        "Gebucht",
        {"probability": "1.0", "isClosed": "true"},
    )
    assert (storniert["label"], storniert["metadata"]) == (
        "Storniert",
        {"probability": "0.0", "isClosed": "true"},
    )
    # HubSpot lists the pipeline as an option of `pipeline`, its stages of `dealstage`.
    assert options(emulator, "pipeline")[made["id"]] == "Buchungen"
    stage_options = options(emulator, "dealstage")
    assert (stage_options[gebucht["id"]], stage_options[storniert["id"]]) == (
        "Gebucht",
        "Storniert",
    )
    assert first.output == (
        "HubSpot portal already set up: nothing to do.\n"
        f"Deal-Pipeline „Buchungen“ angelegt (ID {made['id']})\n"
        f"  Phase „Gebucht“ (abgeschlossen, gewonnen) hinzugefügt (ID {gebucht['id']})\n"
        f"  Phase „Storniert“ (abgeschlossen, verloren) hinzugefügt (ID {storniert['id']})\n"
        "Diese Zeilen in die .env eintragen (oder die vorhandenen ersetzen):\n"
        + env_lines(made, "Gebucht", "Storniert")
    )
    writes = emulator.write_calls()

    second = setup(emulator, tmp_path, "--pipeline", " buchungen ", language="de")

    assert second.exit_code == 0, second.output
    assert emulator.write_calls() == writes
    assert len(emulator.store.pipelines["deals"]) == 2
    assert second.output == (
        "HubSpot portal already set up: nothing to do.\n"
        f"Deal-Pipeline „Buchungen“ ist schon da (ID {made['id']})\n"
        f"  Phase „Gebucht“ (abgeschlossen, gewonnen) ist schon da (ID {gebucht['id']})\n"
        f"  Phase „Storniert“ (abgeschlossen, verloren) ist schon da (ID {storniert['id']})\n"
        "Diese Zeilen in die .env eintragen (oder die vorhandenen ersetzen):\n"
        + env_lines(made, "Gebucht", "Storniert")
    )


def test_english_labels_the_stages_booked_and_cancelled(emulator: Emulator, tmp_path: Path) -> None:
    result = setup(emulator, tmp_path, "--pipeline", "Bookings")

    assert result.exit_code == 0, result.output
    made = pipeline(emulator, "Bookings")
    booked, cancelled = made["stages"]
    assert [s["label"] for s in made["stages"]] == ["Booked", "Cancelled"]
    assert result.output == (
        "HubSpot portal already set up: nothing to do.\n"
        f"deal pipeline 'Bookings' created (id {made['id']})\n"
        f"  stage 'Booked' (closed won) added (id {booked['id']})\n"
        f"  stage 'Cancelled' (closed lost) added (id {cancelled['id']})\n"
        "Put these lines into .env (or replace the ones there):\n"
        + env_lines(made, "Booked", "Cancelled")
    )


def test_on_a_new_portal_setup_creates_properties_and_the_pipeline(tmp_path: Path) -> None:
    with Emulator() as bare:
        result = setup(bare, tmp_path, "--pipeline", "Buchungen")

        assert result.exit_code == 0, result.output
        assert result.output.startswith("contacts: property group 'hubsync' created\n")
        assert "deal pipeline 'Buchungen' created" in result.output
        assert pipeline(bare, "Buchungen")


# -- an existing pipeline is completed, never duplicated --------------------------------------


def test_a_missing_stage_is_added_to_the_existing_pipeline(
    emulator: Emulator, tmp_path: Path
) -> None:
    add_deal_pipeline(emulator.store, "555", "BUCHUNGEN", [("556", "gebucht", True)])

    result = setup(emulator, tmp_path, "--pipeline", "Buchungen", language="de")

    assert result.exit_code == 0, result.output
    kept, added = pipeline(emulator, "BUCHUNGEN")["stages"]
    assert kept["id"] == "556"
    assert (added["label"], added["metadata"]["probability"]) == ("Storniert", "0.0")
    assert added["displayOrder"] == 1
    assert options(emulator, "dealstage")[added["id"]] == "Storniert"
    assert result.output.endswith(
        "Deal-Pipeline „BUCHUNGEN“ ist schon da (ID 555)\n"
        "  Phase „gebucht“ (abgeschlossen, gewonnen) ist schon da (ID 556)\n"
        f"  Phase „Storniert“ (abgeschlossen, verloren) hinzugefügt (ID {added['id']})\n"
        "Diese Zeilen in die .env eintragen (oder die vorhandenen ersetzen):\n"
        f"HUBSYNC_DEAL_PIPELINE=555\nHUBSYNC_DEAL_STAGE=556\n"
        f"HUBSYNC_DEAL_CANCELLED_STAGE={added['id']}\n"
    )


def test_stages_are_found_by_label_in_either_language(emulator: Emulator, tmp_path: Path) -> None:
    stages = [("601", "Booked", True), ("602", "Storniert", True)]
    add_deal_pipeline(emulator.store, "600", "Buchungen", stages)
    writes = emulator.write_calls()

    result = setup(emulator, tmp_path, "--pipeline", "Buchungen", language="de")

    assert result.exit_code == 0, result.output
    assert emulator.write_calls() == writes
    assert result.output.endswith(
        "HUBSYNC_DEAL_PIPELINE=600\nHUBSYNC_DEAL_STAGE=601\nHUBSYNC_DEAL_CANCELLED_STAGE=602\n"
    )


def test_renamed_stages_are_found_by_their_closed_won_and_lost_marks(
    emulator: Emulator, tmp_path: Path
) -> None:
    def stage(label: str, probability: str) -> dict[str, Any]:
        return {"label": label, "displayOrder": 0, "metadata": {"probability": probability}}

    body = {
        "label": "Buchungen",
        "displayOrder": 1,
        "stages": [stage("Angefragt", "0.5"), stage("Bezahlt", "1.0"), stage("Abgesagt", "0.0")],
    }
    made = create_pipeline(emulator.store, body)
    writes = emulator.write_calls()

    result = setup(emulator, tmp_path, "--pipeline", "Buchungen")

    assert result.exit_code == 0, result.output
    assert emulator.write_calls() == writes
    assert result.output.endswith(env_lines(made, "Bezahlt", "Abgesagt"))
    assert "  stage 'Bezahlt' (closed won) exists already" in result.output


def test_two_pipelines_of_the_label_exit_2(emulator: Emulator, tmp_path: Path) -> None:
    add_deal_pipeline(emulator.store, "701", "Buchungen", [("7011", "Gebucht", True)])
    add_deal_pipeline(emulator.store, "702", "buchungen", [("7021", "Gebucht", True)])

    result = setup(emulator, tmp_path, "--pipeline", "Buchungen")

    assert result.exit_code == 2
    assert result.output.endswith(
        "hubsync: configuration problem:\n  - several deal pipelines are labelled 'Buchungen' "
        "(701, 702): rename one in HubSpot or pass another label.\n"
    )


def test_an_empty_label_exits_2(emulator: Emulator, tmp_path: Path) -> None:
    result = setup(emulator, tmp_path, "--pipeline", "  ")

    assert result.exit_code == 2
    assert "  - --pipeline needs a label, e.g. --pipeline Buchungen\n" in result.output


# -- the subscription's pipeline limit ------------------------------------------------------------

LIMIT_EN = (
    "hubsync: configuration problem:\n"
    "  - this portal's HubSpot subscription allows no further deal pipeline (1 of 1 in use); "
    "HubSpot Free has one, Starter two. Instead, use the stages of an existing pipeline by "
    'label, e.g. in .env HUBSYNC_DEAL_PIPELINE=default, HUBSYNC_DEAL_STAGE="Closed Won", '
    'HUBSYNC_DEAL_CANCELLED_STAGE="Closed Lost" (the portal\'s deal pipelines: '
    "'Sales Pipeline' = default); or archive a pipeline no longer used, or upgrade, and run "
    "`hubsync setup --pipeline` again.\n"
)


def test_a_free_portal_exits_2_with_the_way_out(emulator: Emulator, tmp_path: Path) -> None:
    emulator.store.pipeline_limit = 1  # HubSpot Free
    writes = emulator.write_calls()

    result = setup(emulator, tmp_path, "--pipeline", "Buchungen")

    assert result.exit_code == 2
    assert result.output == "HubSpot portal already set up: nothing to do.\n" + LIMIT_EN
    assert emulator.write_calls() == writes
    assert len(emulator.store.pipelines["deals"]) == 1


def test_the_limit_message_follows_the_language(emulator: Emulator, tmp_path: Path) -> None:
    emulator.store.pipeline_limit = 1

    result = setup(emulator, tmp_path, "--pipeline", "Buchungen", language="de")

    assert result.exit_code == 2
    assert (
        "  - Das HubSpot-Abo dieses Portals erlaubt keine weitere Deal-Pipeline (1 von 1 "
        "genutzt); HubSpot Free hat eine, Starter zwei. Nutzen Sie stattdessen die Phasen "
        "einer vorhandenen Pipeline nach Bezeichnung, z. B. in der .env HUBSYNC_DEAL_PIPELINE="
        'default, HUBSYNC_DEAL_STAGE="Closed Won", HUBSYNC_DEAL_CANCELLED_STAGE="Closed Lost"'
    ) in result.output


def test_a_starter_portal_with_two_pipelines_is_full_too(
    emulator: Emulator, tmp_path: Path
) -> None:
    emulator.store.pipeline_limit = 2  # Starter
    assert setup(emulator, tmp_path, "--pipeline", "Buchungen").exit_code == 0

    result = setup(emulator, tmp_path, "--pipeline", "Kurse")

    assert result.exit_code == 2
    assert "allows no further deal pipeline (2 of 2 in use)" in result.output
    # The finished one still passes: reusing a pipeline needs no free slot.
    assert setup(emulator, tmp_path, "--pipeline", "Buchungen").exit_code == 0


def client_for(emulator: Emulator, session: requests.Session) -> HubSpotClient:
    return HubSpotClient(
        session, ClientOptions(base_url=emulator.url, token=emulator.token, backoff_base=0.0)
    )


def test_a_create_refused_for_the_limit_is_a_value(emulator: Emulator) -> None:
    # Without the limits API's word (say, a version that lacks it) the POST itself tells.
    emulator.store.pipeline_limit = 1
    stages = [Stage("", "Gebucht", "1.0", "true")]
    with requests.Session() as session:
        made = client_for(emulator, session).create_pipeline("Buchungen", stages)

    assert made == PipelineLimitReached("Your portal has reached its limit of 1 deal pipeline(s).")


def test_only_a_refusal_naming_a_limit_counts_as_the_limit() -> None:
    def reply(status: int, **body: Any) -> Reply:
        return Reply(status, body)

    assert names_limit(reply(403, message="Pipeline limit reached", category="FORBIDDEN"))
    assert names_limit(reply(400, message="x", errors=[{"code": "PIPELINE_LIMIT_EXCEEDED"}]))
    assert not names_limit(reply(403, message="scope limit", category="MISSING_SCOPES"))
    assert not names_limit(reply(400, message="label is required"))
    assert not names_limit(reply(429, message="You have reached your daily limit."))


# -- scopes, lost answers -------------------------------------------------------------------------


def test_a_token_without_the_schema_scope_exits_2_naming_it(tmp_path: Path) -> None:
    scopes = ALL_SCOPES - {"crm.schemas.deals.write"}
    with Emulator(with_hubsync_schema=True, scopes=scopes) as limited:
        result = setup(limited, tmp_path, "--pipeline", "Buchungen")

    assert result.exit_code == 2
    assert "grant the scope(s) crm.schemas.deals.write to the app" in result.output


def test_a_create_whose_answer_is_lost_is_read_back_not_repeated(emulator: Emulator) -> None:
    emulator.faults = FaultPlan(apply_then_drop_rate=1.0)
    stages = [Stage("", "Gebucht", "1.0", "true"), Stage("", "Storniert", "0.0", "true")]
    with requests.Session() as session:
        client = client_for(emulator, session)
        made = client.create_pipeline("Buchungen", stages)
        assert not isinstance(made, PipelineLimitReached)
        stage = client.create_stage(made.id, Stage("", "Offen", "0.5", "false"), 2)

    assert [p["label"] for p in emulator.store.pipelines["deals"]] == [
        "Sales Pipeline",
        "Buchungen",
    ]
    assert [s.label for s in made.stages] == ["Gebucht", "Storniert"]
    assert [s["label"] for s in pipeline(emulator, "Buchungen")["stages"]] == [
        "Gebucht",
        "Storniert",
        "Offen",
    ]
    assert stage.label == "Offen" and stage.id
    posts = [r for r in emulator.log if r.method == "POST"]
    assert len(posts) == 2  # one each: nothing was sent twice


def test_the_emulator_validates_pipeline_inputs(emulator: Emulator) -> None:
    store = emulator.store
    stage = {"label": "Gebucht", "displayOrder": 0, "metadata": {"probability": "1.0"}}
    bad: list[tuple[dict[str, Any], str]] = [
        ({"label": "B", "stages": [stage]}, "missing required fields: displayOrder"),
        ({"label": "B", "displayOrder": 0, "stages": []}, "non-empty list"),
        ({"label": "B", "displayOrder": 0, "stages": [{**stage, "metadata": {}}]}, "probability"),
        (
            {
                "label": "B",
                "displayOrder": 0,
                "stages": [{**stage, "metadata": {"probability": 1}}],
            },
            "string values",
        ),
        ({"label": "B", "displayOrder": 0, "stages": [stage, stage]}, "already exists"),
        ({"label": "sales pipeline", "displayOrder": 0, "stages": [stage]}, "already exists"),
    ]
    from hubsync.emulator.validation import ApiError

    for body, message in bad:
        with pytest.raises(ApiError, match=message):
            create_pipeline(store, body)
    assert len(store.pipelines["deals"]) == 1


# -- the whole run: bookings land in the new pipeline ---------------------------------------------


def test_bookings_land_in_the_pipeline_setup_made(emulator: Emulator, tmp_path: Path) -> None:
    assert setup(emulator, tmp_path, "--pipeline", "Buchungen", language="de").exit_code == 0
    made = pipeline(emulator, "Buchungen")
    gebucht, storniert = (s["id"] for s in made["stages"])
    portal = Portal(
        emulator,
        tmp_path / "data",
        deal_pipeline=made["id"],
        deal_stage=gebucht,
        deal_cancelled_stage=storniert,
    )
    portal.drop_samples()

    summary = portal.run()

    assert summary.exit_code is ExitCode.REJECTED, summary.fatal  # the samples' rejected rows
    deals = list(emulator.store.deals.values())
    assert len(deals) == 114
    assert {d["pipeline"] for d in deals} == {made["id"]}
    cancelled = [d for d in deals if d.get("storniert_durch")]
    assert len(cancelled) == 2
    assert {d["dealstage"] for d in cancelled} == {storniert}
    assert {d["dealstage"] for d in deals if not d.get("storniert_durch")} == {gebucht}


# -- the texts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(PIPELINE))
def test_every_pipeline_text_has_both_languages(key: str) -> None:
    text = PIPELINE[key]
    assert text.de.strip() and text.en.strip()
    for template in (text.de, text.en):
        names = {"label", "id", "role", "ids", "usage", "limit", "message", "detail"}
        values = dict.fromkeys([*names, "pipeline", "won", "lost", "pipelines"], "x")
        assert render(template, values)
