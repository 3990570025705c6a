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


# -- stored keys brought up to date --------------------------------------------------------------
# Keys written before the app was installed do not exist, and keys written under another key
# version or other phone regions are stale: a call from such a number finds nothing. The
# settings remember what the stored keys were computed with; when that differs from what the
# site and the library say now, every keyed doctype is rekeyed in the background.

SIGNATURE_FIELD = sb.PHONE_KEYS_SIGNATURE_FIELD
STATUS_FIELD = "phone_keys_status"


def stored_signature() -> str:
    from .settings import DOCTYPE

    return frappe.db.get_single_value(DOCTYPE, SIGNATURE_FIELD) or ""


def keys_are_current(site: sb.SiteConfig | None = None) -> bool:
    """True when the stored keys were computed as the site would compute them now."""
    if site is None:
        from .settings import phone_site

        site = phone_site()
    return stored_signature() == sb.phone_keys_signature(site)


def keyed_doctypes() -> list[str]:
    """The keyed doctypes of this site that carry the key fields (their apps installed)."""
    out = []
    for doctype in sb.keyed_doctypes():
        if not frappe.db.table_exists(doctype):
            continue
        key = sb.phone_key_fields(doctype)[0]["key"]
        if frappe.get_meta(doctype).has_field(site_field(doctype, key)):
            out.append(doctype)
    return out


def rekey_stored_keys(store: sb.Store, site: sb.SiteConfig, after_each_page=None) -> dict:
    """Recomputes the stored keys of every keyed doctype and rewrites the rows whose keys
    differ; then records what they were computed with. `after_each_page` runs after each
    page of rows is written (the background job commits there, so a large table is never
    one long transaction). Returns {doctype: {"scanned": n, "updated": n}}."""
    from .settings import DOCTYPE

    progress = (lambda done, total: after_each_page()) if after_each_page else None
    reports = {}
    for doctype in keyed_doctypes():
        report = sb.rekey_phone_keys(store, doctype, progress=progress)
        reports[doctype] = {"scanned": report.scanned, "updated": report.updated}
    scanned = sum(r["scanned"] for r in reports.values())
    updated = sum(r["updated"] for r in reports.values())
    fallback = ", ".join(site.fallback_regions)
    status = (f"Key version {sb.PHONE_KEY_VERSION}, region {site.region}"
              + (f" (then {fallback})" if fallback else "")
              + f". Brought up to date {frappe.utils.now()[:19]}: {scanned:,} rows read, "
              f"{updated:,} rewritten.")
    record = {SIGNATURE_FIELD: sb.phone_keys_signature(site), STATUS_FIELD: status}
    frappe.db.set_single_value(DOCTYPE, record, update_modified=False)  # an open form still saves
    frappe.db.value_cache.pop(DOCTYPE, None)
    return reports
