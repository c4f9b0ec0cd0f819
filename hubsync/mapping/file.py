"""The TOML mapping file: reading it and applying it to a mapping (format: see `mapping`)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from hubsync.errors import ConfigError
from hubsync.intake.csvread import normalize_header
from hubsync.mapping.booking_columns import BOOKING_ROLES
from hubsync.mapping.columns import KINDS, FieldSpec, Mapping, default_kind
from hubsync.mapping.company_rules import COMPANY_POLICIES, CompanyRules
from hubsync.mapping.names import is_property_name
from hubsync.mapping.policies import Constants, WritePolicy

# What hubsync itself writes on a deal: a constant there would fight every run.
DEAL_OWN_PROPERTIES = frozenset(
    {"dealname", "amount", "closedate", "pipeline", "dealstage", "description", "anlage"}
    | {"kundennummer", "buchungsstunden", "storniert_durch", "hubsync_offen"}
)


def apply_mapping_file(base: Mapping, path: Path) -> Mapping:
    """`base` changed by the TOML mapping file at `path`.

    Raises ConfigError listing every problem in the file, each prefixed with its name.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: mapping file not found (check HUBSYNC_MAPPING)") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read mapping file: {exc}") from None
    return _Overlay(base, str(path)).apply(data)


class _Overlay:
    """Applies one parsed mapping file to the built-in mapping, collecting every problem."""

    def __init__(self, base: Mapping, source: str) -> None:
        self.base = base
        self.source = source
        self.problems: list[str] = []
        self.contacts = dict(base.contact_fields)
        self.bookings = dict(base.booking_fields)
        self.policies = dict(base.policies)
        self.ignored: set[str] = set()
        self.seen: dict[tuple[str, str], str] = {}

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.source}: {where}: {message}")

    def table(self, data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
        value = data.get(key, {})
        if isinstance(value, dict):
            return value
        self.problem(where, f"must be a table, not {value!r}")
        return {}

    def unknown_keys(self, data: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in sorted(set(data) - allowed):
            self.problem(where, f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")

    def apply(self, data: dict[str, Any]) -> Mapping:
        self.unknown_keys(
            data, {"contacts", "bookings", "deals", "files", "companies"}, "top level"
        )
        contacts = self.table(data, "contacts", "[contacts]")
        self.unknown_keys(
            contacts, {"columns", "policies", "clear_blanks", "constants"}, "[contacts]"
        )
        clear_blanks = contacts.get("clear_blanks", False)
        if not isinstance(clear_blanks, bool):
            self.problem("[contacts] clear_blanks", f"must be true or false, not {clear_blanks!r}")
        column_policies: dict[str, WritePolicy] = {}
        for column, target in self.table(contacts, "columns", "[contacts.columns]").items():
            self.contact_column(column, target, column_policies)
        self.read_policies(self.table(contacts, "policies", "[contacts.policies]"), column_policies)
        contact_constants = self.constants(
            self.table(contacts, "constants", "[contacts.constants]"),
            "contacts",
            {"email"} | {s.property for s in self.contacts.values()},
        )
        deals = self.table(data, "deals", "[deals]")
        self.unknown_keys(deals, {"constants", "policies"}, "[deals]")
        deal_constants = self.constants(
            self.table(deals, "constants", "[deals.constants]"), "deals", DEAL_OWN_PROPERTIES
        )
        deal_policies = self.constant_policies(
            self.table(deals, "policies", "[deals.policies]"), "deals", deal_constants
        )
        bookings = self.table(data, "bookings", "[bookings]")
        self.unknown_keys(bookings, {"columns"}, "[bookings]")
        for column, role in self.table(bookings, "columns", "[bookings.columns]").items():
            self.booking_column(column, role)
        companies = self.companies(self.table(data, "companies", "[companies]"))
        files = self.table(data, "files", "[files]")
        self.unknown_keys(files, {"customers", "bookings"}, "[files]")
        customer_files = self.patterns(files, "customers", self.base.customer_file_patterns)
        booking_files = self.patterns(files, "bookings", self.base.booking_file_patterns)
        if self.problems:
            raise ConfigError(self.problems)
        return Mapping(
            contact_fields=self.contacts,
            booking_fields=self.bookings,
            policies=self.policies,
            customer_file_patterns=customer_files,
            booking_file_patterns=booking_files,
            clear_blanks=clear_blanks is True,
            ignored=frozenset(self.ignored),
            contact_constants=Constants(
                contact_constants,
                {k: v for k, v in self.policies.items() if k in contact_constants},
            ),
            deal_constants=Constants(deal_constants, deal_policies),
            companies=companies,
        )

    def companies(self, table: dict[str, Any]) -> CompanyRules:
        """The `[companies]` section: departments, extra free-mail domains, policies."""
        self.unknown_keys(table, {"departments", "freemail", "policies"}, "[companies]")
        departments = table.get("departments", False)
        if not isinstance(departments, bool):
            self.problem("[companies] departments", f"must be true or false, not {departments!r}")
        freemail = table.get("freemail", [])
        if not isinstance(freemail, list) or not all(isinstance(d, str) for d in freemail):
            self.problem("[companies] freemail", f"must be a list of domains, not {freemail!r}")
            freemail = []
        policies: dict[str, WritePolicy] = {}
        for prop, value in self.table(table, "policies", "[companies.policies]").items():
            where = f"[companies.policies] {prop!r}"
            if prop not in COMPANY_POLICIES:
                self.problem(where, f"hubsync writes only {', '.join(COMPANY_POLICIES)}")
            elif (policy := self.check_policy(value, where)) is not None:
                policies[prop] = policy
        domains = frozenset(d.strip().lower().lstrip("@") for d in freemail if d.strip())
        return CompanyRules(departments is True, domains, policies)

    def column_key(self, section: str, column: str, where: str) -> str | None:
        norm = normalize_header(column)
        if not norm:
            self.problem(where, "a column name needs at least one letter or digit")
            return None
        other = self.seen.setdefault((section, norm), column)
        if other != column:
            self.problem(where, f"names the same column as {other!r} (case, spaces, '.-/' ignored)")
            return None
        return norm

    def contact_column(
        self, column: str, target: Any, column_policies: dict[str, WritePolicy]
    ) -> None:
        where = f"[contacts.columns] {column!r}"
        if isinstance(target, str):
            target = {"property": target}
        if not isinstance(target, dict):
            self.problem(where, 'must be "property" or { property = "...", kind = "..." }')
            return
        self.unknown_keys(target, {"property", "kind", "policy"}, where)
        prop, kind = target.get("property"), target.get("kind")
        policy = self.check_policy(target["policy"], where) if "policy" in target else None
        bad_kind = kind is not None and kind not in KINDS
        if bad_kind:
            self.problem(where, f"unknown kind {kind!r} (use one of: {', '.join(sorted(KINDS))})")
        norm = self.column_key("contacts", column, where)
        if not self.check_property(prop, where) or bad_kind or norm is None:
            return
        assert isinstance(prop, str)  # check_property accepted it
        self.contacts.pop(norm, None)
        if not prop:
            self.ignored.add(norm)
            return
        self.contacts[norm] = FieldSpec(prop, kind or default_kind(prop))
        if policy is not None and column_policies.setdefault(prop, policy) != policy:
            self.problem(where, f"conflicting policies for property {prop!r}")

    def booking_column(self, column: str, role: Any) -> None:
        where = f"[bookings.columns] {column!r}"
        if not isinstance(role, str) or (role and role not in BOOKING_ROLES):
            roles = ", ".join(sorted(BOOKING_ROLES))
            self.problem(where, f'unknown role {role!r} (use one of: {roles}, or "" to ignore)')
            return
        norm = self.column_key("bookings", column, where)
        if norm is None:
            return
        self.bookings.pop(norm, None)
        if role:
            self.bookings[norm] = role
        else:
            self.ignored.add(norm)

    def check_property(self, prop: Any, where: str, *, column: bool = True) -> bool:
        if isinstance(prop, str) and ((column and prop == "") or is_property_name(prop)):
            return True
        hint = '; "" ignores the column' if column else ""
        self.problem(
            where,
            f"property {prop!r} is not a HubSpot internal name "
            f"(a-z, 0-9 and _, starting with a letter{hint})",
        )
        return False

    def check_policy(self, policy: Any, where: str) -> WritePolicy | None:
        try:
            return WritePolicy(policy)
        except ValueError:
            names = ", ".join(p.value for p in WritePolicy)
            self.problem(where, f"unknown policy {policy!r} (use one of: {names})")
            return None

    def read_policies(self, table: dict[str, Any], column_policies: dict[str, WritePolicy]) -> None:
        merged = dict(column_policies)
        for prop, value in table.items():
            where = f"[contacts.policies] {prop!r}"
            if not self.check_property(prop, where, column=False):
                continue
            policy = self.check_policy(value, where)
            if policy is None:
                continue
            if merged.setdefault(prop, policy) != policy:
                self.problem(where, "conflicts with the policy given in [contacts.columns]")
        self.policies.update(merged)

    def constants(
        self, table: dict[str, Any], section: str, own: set[str] | frozenset[str]
    ) -> dict[str, str]:
        """Property → value as HubSpot takes it (a string; TOML numbers and booleans too)."""
        values: dict[str, str] = {}
        for prop, value in table.items():
            where = f"[{section}.constants] {prop!r}"
            if not self.check_property(prop, where, column=False):
                continue
            if prop in own:
                self.problem(where, "is written by hubsync from the export: not a constant")
                continue
            if isinstance(value, bool):
                values[prop] = "true" if value else "false"
            elif isinstance(value, str | int | float) and str(value).strip():
                values[prop] = str(value).strip()
            else:
                self.problem(where, f"must be a text, number or true/false, not {value!r}")
        return values

    def constant_policies(
        self, table: dict[str, Any], section: str, constants: dict[str, str]
    ) -> dict[str, WritePolicy]:
        policies: dict[str, WritePolicy] = {}
        for prop, value in table.items():
            where = f"[{section}.policies] {prop!r}"
            if prop not in constants:
                self.problem(where, f"names no property of [{section}.constants]")
                continue
            policy = self.check_policy(value, where)
            if policy is not None:
                policies[prop] = policy
        return policies

    def patterns(
        self, files: dict[str, Any], key: str, default: tuple[str, ...]
    ) -> tuple[str, ...]:
        value = files.get(key)
        if value is None:
            return default
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
            self.problem(f"[files] {key}", f"must be a list of file-name patterns, not {value!r}")
            return default
        return tuple(value)
