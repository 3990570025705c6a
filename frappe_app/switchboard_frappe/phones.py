"""Phone keys for saves that do not go through the library (forms, imports, other apps)."""
from __future__ import annotations

import frappe

import switchboard as sb


def site_field(doctype: str, field: str) -> str:
    """The site's name for a library field: itself, or its custom_ twin when the doctype
    lacks it (as FrappeStore maps it)."""
    meta = frappe.get_meta(doctype)
    if meta.has_field(field) or not meta.has_field("custom_" + field):
        return field
    return "custom_" + field


def keys_of(raw, site: sb.SiteConfig) -> tuple[str | None, str | None]:
    """(key, extension) exactly as the library's stores on `site` store them: the E.164 of a
    possible number, read in the site's region or one of its fallback regions, and its
    extension; (None, None) for anything else."""
    if raw in (None, ""):
        return None, None
    phone = sb.normalize_phone(str(raw), site)
    if phone is None or phone.key is None:
        return None, None
    return phone.key, (phone.extension or None)


def set_phone_keys(doc, site: sb.SiteConfig | None = None) -> None:
    """Sets the stored keys of `doc` (and of its Contact Phone rows) from its phone fields, as
    the site reads numbers (settings.phone_site())."""
    if site is None:
        from .settings import phone_site

        site = phone_site()
    targets = [doc] + (list(doc.get("phone_nos") or []) if doc.doctype == "Contact" else [])
    for target in targets:
        fields = sb.phone_key_fields(target.doctype)
        if not fields:
            continue
        meta = frappe.get_meta(target.doctype)
        if not meta.has_field(site_field(target.doctype, fields[0]["key"])):
            continue  # the custom fields are not there (app being installed or removed)
        for f in fields:
            key, ext = keys_of(target.get(site_field(target.doctype, f["source"])), site)
            target.set(site_field(target.doctype, f["key"]), key)
            target.set(site_field(target.doctype, f["extension"]), ext)
        target.set("custom_phone_key_version", sb.PHONE_KEY_VERSION)
