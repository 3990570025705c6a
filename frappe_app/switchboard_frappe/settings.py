"""The site's switchboard settings (the Single "Switchboard Settings") as library objects."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import frappe

import switchboard as sb

DOCTYPE = "Switchboard Settings"


def lines(text: str | None) -> list[str]:
    """One value per line (commas accepted too), blanks and duplicates dropped, order kept."""
    out: list[str] = []
    for part in (text or "").replace(",", "\n").splitlines():
        part = part.strip()
        if part and part not in out:
            out.append(part)
    return out


@dataclass(frozen=True)
class Site:
    """What the settings say, read once per request or job."""

    region: str = "US"
    fallback_regions: list[str] = field(default_factory=list)
    internal_domains: list[str] = field(default_factory=list)
    company_numbers: list[str] = field(default_factory=list)
    open_ticket_statuses: list[str] = field(default_factory=list)
    closed_ticket_statuses: list[str] = field(default_factory=list)
    closed_lead_statuses: list[str] = field(default_factory=list)
    route_incoming_email: bool = True
    merge_on_phone_change: bool = True
    create_tickets_from_calls: bool = False
    require_sales_order_on_won: bool = True
    ops_status_field: str = "custom_ops_status"
    rules_json: str = "{}"
    webhook_token: str = ""
    relay_secret: str = ""
    accept_unauthenticated_webhooks: bool = False

    def routing_rules(self) -> sb.RoutingRules:
        """RoutingRules from the settings: the JSON field first, the explicit fields over it."""
        return sb.RoutingRules.from_json(self.rules_json)

    def closed_statuses(self) -> list[str]:
        """HD Ticket statuses that count as closed: every status of category Resolved, and
        the ones the settings add."""
        resolved = frappe.get_all("HD Ticket Status", filters={"category": "Resolved"}, pluck="name")
        return list(dict.fromkeys([*resolved, *self.closed_ticket_statuses]))

    @property
    def webhook_configured(self) -> bool:
        return bool(self.webhook_token or self.relay_secret)


def rules_json(doc) -> str:
    """The RoutingRules JSON the settings document stands for (validated by the caller)."""
    rules = json.loads(doc.get("routing_rules") or "{}")
    if not isinstance(rules, dict):
        raise sb.ValidationError("Further Routing Rules must be a JSON object")
    for fieldname, key in (("support_aliases", "support_aliases"), ("sales_aliases", "sales_aliases"),
                           ("info_aliases", "info_aliases")):
        if lines(doc.get(fieldname)):
            rules[key] = [a.lower() for a in lines(doc.get(fieldname))]
    domains = lines(doc.get("company_domains")) + lines(doc.get("internal_domains"))
    if domains:
        rules["internal_domains"] = [d.lower().lstrip("@") for d in domains]
    if lines(doc.get("open_ticket_statuses")):
        rules["open_statuses"] = lines(doc.get("open_ticket_statuses"))
    if doc.get("routing_log"):
        rules["error_log"] = doc.get("routing_log")
    return json.dumps(rules)


def region() -> str:
    """The site's phone region alone (cached: no secrets read)."""
    value = frappe.db.get_single_value(DOCTYPE, "region", cache=True)
    return (value or "US").strip().upper()


def phone_site() -> sb.SiteConfig:
    """How the site reads phone numbers: its region and fallback regions (cached: no secrets
    read), as the library's stores key them."""
    fallback = frappe.db.get_single_value(DOCTYPE, "fallback_regions", cache=True)
    return sb.SiteConfig(region=region(), fallback_regions=[r.upper() for r in lines(fallback)])


def load(secrets: bool = False) -> Site:
    """The site's settings; defaults when the Single was never saved. The webhook's token and
    secret are read (decrypted) only when `secrets` is asked for."""
    doc = frappe.get_cached_doc(DOCTYPE)
    domains = [d.lower().lstrip("@") for d in lines(doc.company_domains) + lines(doc.internal_domains)]
    return Site(
        region=(doc.region or "US").strip().upper(),
        fallback_regions=[r.upper() for r in lines(doc.fallback_regions)],
        internal_domains=domains,
        company_numbers=lines(doc.company_numbers),
        open_ticket_statuses=lines(doc.open_ticket_statuses),
        closed_ticket_statuses=lines(doc.closed_ticket_statuses),
        closed_lead_statuses=lines(doc.closed_lead_statuses),
        route_incoming_email=bool(doc.route_incoming_email),
        merge_on_phone_change=bool(doc.merge_on_phone_change),
        create_tickets_from_calls=bool(doc.create_tickets_from_calls),
        require_sales_order_on_won=bool(doc.require_sales_order_on_won),
        ops_status_field=(doc.ops_status_field or "custom_ops_status").strip(),
        rules_json=rules_json(doc),
        webhook_token=(doc.get_password("webhook_token", raise_exception=False) or "") if secrets else "",
        relay_secret=(doc.get_password("relay_secret", raise_exception=False) or "") if secrets else "",
        accept_unauthenticated_webhooks=bool(doc.accept_unauthenticated_webhooks),
    )
