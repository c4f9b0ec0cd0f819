"""Unit tests of hubsync.hubspot.rejections: which rejections are configuration, not rows."""

from __future__ import annotations

from typing import Any

import pytest

from hubsync.errors import ConfigError
from hubsync.hubspot import client, search
from hubsync.hubspot.rejections import (
    additional_note,
    alike,
    context_keys,
    raise_if_key_problem,
    raise_if_rule_problem,
    raise_if_schema_problem,
    refused_additional,
    sends,
    uniform_failure,
    without_additional,
)
from hubsync.hubspot.transport import Reply


def rejected(*errors: dict[str, Any], status: int = 400, message: str = "bad") -> Reply:
    body = {"status": "error", "category": "VALIDATION_ERROR", "message": message}
    return Reply(status, {**body, "errors": list(errors)} if errors else body)


def test_context_keys_reads_id_and_ids() -> None:
    assert context_keys({"context": {"id": 7, "ids": ["a", "b"]}}) == ["7", "a", "b"]
    assert context_keys({"context": "x"}) == [] and context_keys({}) == []


def test_a_non_unique_key_names_the_property_and_the_setting() -> None:
    reply = rejected(
        message="Unable to perform update/upsert by non-unique 0-2 property kdnr in portal ID 1"
    )
    with pytest.raises(ConfigError, match="kdnr is not unique-valued.*CUSTOMER_NUMBER"):
        raise_if_key_problem(reply, "contacts")
    raise_if_key_problem(rejected(message="something else"), "contacts")  # no error


def test_schema_problems_are_collected_once_each() -> None:
    missing = {"code": "PROPERTY_DOESNT_EXIST", "context": {"propertyName": ["foo"]}}
    read_only = {"message": 'READ_ONLY_VALUE: "bar" is a read only property'}
    with pytest.raises(ConfigError) as caught:
        raise_if_schema_problem(rejected(missing, missing, read_only), "deals")
    text = str(caught.value)
    assert text.count("HubSpot has no deals property foo") == 1
    assert "is read-only in HubSpot (READ_ONLY_VALUE)" in text
    raise_if_schema_problem(rejected({"code": "INVALID_EMAIL"}), "contacts")


def test_a_rule_on_a_property_no_input_sends_is_configuration() -> None:
    reply = rejected({"code": "REQUIRED", "message": "dealtype is required"})
    with pytest.raises(ConfigError, match=r"\[deals.constants\].*dealtype = \"existingbusiness\""):
        raise_if_rule_problem(reply, [{"properties": {"dealname": "x"}}], "deals")
    # one input carries it: the others are row problems, bisected as usual
    raise_if_rule_problem(reply, [{"properties": {"dealtype": "newbusiness"}}], "deals")


def test_alike_needs_the_same_anonymous_rejection_everywhere() -> None:
    whole = rejected(message="portal says no")
    assert alike(whole, [rejected(message="portal says no")] * 2)
    assert not alike(whole, [rejected(message="portal says no"), rejected(message="other")])
    assert not alike(rejected({"code": "INVALID_EMAIL"}), [rejected({"code": "INVALID_EMAIL"})])
    named = rejected({"message": "x", "context": {"id": "1"}})
    assert not alike(named, [named])
    assert "every contacts write alike" in str(uniform_failure("contacts", whole))


def test_refused_additional_emails_become_a_note_and_a_bare_input() -> None:
    error = {"code": "READ_ONLY_VALUE", "context": {"propertyName": ["hs_additional_emails"]}}
    assert refused_additional(error)
    assert not refused_additional({"code": "READ_ONLY_VALUE", "message": "city"})
    item: dict[str, Any] = {
        "id": "a@x.de",
        "properties": {"email": "a@x.de", "hs_additional_emails": "b@x.de"},
    }
    assert sends(item, "hs_additional_emails") and not sends(item, "city")
    assert without_additional(item) == {"id": "a@x.de", "properties": {"email": "a@x.de"}}
    assert item["properties"]["hs_additional_emails"] == "b@x.de"  # the input is not changed
    note = additional_note("a@x.de", 200, item)
    assert (note.key, note.code) == ("a@x.de", "READ_ONLY_VALUE") and "b@x.de" in note.message


def test_reply_results_and_total() -> None:
    reply = Reply(200, {"results": [{"id": "1"}, "junk"], "total": 3})
    assert reply.results() == [{"id": "1"}] and reply.total() == 3
    assert Reply(204, None).results() == [] and Reply(204, None).total() == 0


def test_search_names_keep_their_old_import_path() -> None:
    assert client.search_batches is search.search_batches
    assert (client.SEARCH_PAGE, client.SEARCH_MAX_RESULTS) == (200, 10_000)
