"""The emulator's handlers called directly on a store: reads, writes and refusal bodies."""

from __future__ import annotations

import pytest

from hubsync.emulator import objects, refusals, writes
from hubsync.emulator.defaults import new_store
from hubsync.emulator.validation import ApiError


def test_a_batch_write_applies_every_input_or_none() -> None:
    store = new_store(with_hubsync_schema=True)
    good = {"idProperty": "email", "id": "A@x.de", "properties": {"city": "Schorndorf"}}
    bad = {"idProperty": "email", "id": "b@x.de", "properties": {"kunde_seit": "gestern"}}
    with pytest.raises(ApiError) as caught:
        writes.batch_write(store, "contacts", "upsert", {"inputs": [good, bad]})
    assert caught.value.status == 400 and [e["code"] for e in caught.value.errors] == [
        "INVALID_DATE"
    ]
    assert store.contacts == {}
    status, answer = writes.batch_write(store, "contacts", "upsert", {"inputs": [good]})
    assert status == 200 and answer["results"][0]["new"] is True
    oid = answer["results"][0]["id"]
    assert store.contacts[oid]["email"] == "a@x.de"  # the key is stored lower-cased


def test_reads_share_the_helpers_writes_use() -> None:
    store = new_store()
    oid = store.create("contacts")
    store.write("contacts", oid, {"email": "a@x.de"})
    status, answer = objects.batch_read(
        store, "contacts", {"idProperty": "email", "inputs": [{"id": "a@x.de"}, {"id": "n@x.de"}]}
    )
    assert status == 207 and [r["id"] for r in answer["results"]] == [oid]
    assert answer["errors"][0]["context"] == {"ids": ["n@x.de"]}
    with pytest.raises(ApiError, match="Duplicate IDs"):
        objects.reject_duplicates(["1", "1"])
    with pytest.raises(ApiError, match="non-unique"):
        objects.id_property(store, "contacts", "city", required=True)


def test_refusal_bodies_are_worded_as_hubspot_words_them() -> None:
    assert refusals.unauthenticated()["category"] == "INVALID_AUTHENTICATION"
    assert refusals.rate_limited("DAILY")["policyName"] == "DAILY"
    assert refusals.fault_body(423) is None
    assert refusals.fault_body(503)["message"] == "Emulated server error 503"  # type: ignore[index]
    body = refusals.missing_scopes(("crm.objects.deals.write",))
    assert body["errors"][0]["context"] == {"requiredGranularScopes": ["crm.objects.deals.write"]}
    assert "correlationId" not in refusals.SEARCH_LIMITED
