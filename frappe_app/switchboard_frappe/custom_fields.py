"""The Custom Fields switchboard needs on the doctypes of Frappe, Frappe CRM and Helpdesk.

Every field the library reads or writes that those doctypes lack, with Frappe's ``custom_``
prefix. The library keeps its own names for some of them (``contact_mobile`` on HD Ticket,
``transcript`` on CRM Call Log, ``sales_orders`` on CRM Deal, ...): ``FrappeStore`` maps a field
a doctype lacks to its ``custom_`` twin, so a site whose apps already have the plain field (as
the original system's modified apps did) keeps using it.

Phone keys (``custom_*_key``) are what duplicate merging and call matching look up, newest
first: each gets a (key, creation) index (INDEXES).
"""
from __future__ import annotations

MODULE = "Switchboard"


def _key(source: str, after: str | None = None) -> list[dict]:
    """The stored E.164 key and extension of one phone field (derived: read only, hidden)."""
    return [
        {"fieldname": f"custom_{source}_key", "label": f"{source.replace('_', ' ').title()} Key",
         "fieldtype": "Data", "read_only": 1, "hidden": 1, "no_copy": 1, "insert_after": after},
        {"fieldname": f"custom_{source}_ext", "label": f"{source.replace('_', ' ').title()} Extension",
         "fieldtype": "Data", "read_only": 1, "hidden": 1, "no_copy": 1,
         "insert_after": f"custom_{source}_key"},
    ]


KEY_VERSION = {"fieldname": "custom_phone_key_version", "label": "Phone Key Version",
               "fieldtype": "Int", "read_only": 1, "hidden": 1, "no_copy": 1}

ORDER_HISTORY = {"fieldname": "custom_order_history", "label": "Order History",
                 "fieldtype": "Table", "options": "Order History", "read_only": 1, "no_copy": 1}

# The alias the customer wrote to (tag removed): replies to it from the customer continue the
# record, and agents' answers go out from it (switchboard_frappe.handlers.set_reply_account).
REPLY_ALIAS = {"fieldname": "custom_reply_email_alias", "label": "Reply Email Alias",
               "fieldtype": "Data", "options": "Email", "read_only": 1, "no_copy": 1,
               "search_index": 1, "insert_after": "status"}

CUSTOM_FIELDS: dict[str, list[dict]] = {
    "Contact Phone": [*_key("phone", "phone"), {**KEY_VERSION, "insert_after": "custom_phone_ext"}],
    "CRM Lead": [
        *_key("mobile_no", "mobile_no"),
        *_key("phone", "phone"),
        {**KEY_VERSION, "insert_after": "custom_phone_ext"},
        {"fieldname": "custom_merged_into", "label": "Merged Into", "fieldtype": "Link",
         "options": "CRM Lead", "read_only": 1, "no_copy": 1, "search_index": 1,
         "insert_after": "status"},
        REPLY_ALIAS,
        ORDER_HISTORY,
    ],
    "CRM Deal": [
        *_key("mobile_no", "mobile_no"),
        *_key("phone", "phone"),
        {**KEY_VERSION, "insert_after": "custom_phone_ext"},
        {"fieldname": "custom_sales_orders", "label": "Sales Orders", "fieldtype": "Table",
         "options": "CRM Deal Sales Orders"},
        ORDER_HISTORY,
    ],
    "HD Ticket": [
        {"fieldname": "custom_contact_mobile", "label": "Contact Mobile", "fieldtype": "Data",
         "options": "Phone", "insert_after": "contact"},
        {"fieldname": "custom_contact_number", "label": "Contact Number", "fieldtype": "Data",
         "options": "Phone", "insert_after": "custom_contact_mobile"},
        *_key("contact_mobile", "custom_contact_number"),
        {**KEY_VERSION, "insert_after": "custom_contact_mobile_ext"},
        REPLY_ALIAS,
        ORDER_HISTORY,
    ],
    "CRM Call Log": [
        *_key("from", "from"),
        *_key("to", "to"),
        {**KEY_VERSION, "insert_after": "custom_to_ext"},
        {"fieldname": "custom_session_id", "label": "Session ID", "fieldtype": "Data",
         "read_only": 1, "search_index": 1, "insert_after": "id"},
        {"fieldname": "custom_telephony_session_id", "label": "Telephony Session ID",
         "fieldtype": "Data", "read_only": 1, "search_index": 1, "insert_after": "custom_session_id"},
        {"fieldname": "custom_telephony_sequence", "label": "Telephony Sequence", "fieldtype": "Int",
         "read_only": 1, "hidden": 1, "insert_after": "custom_telephony_session_id"},
        {"fieldname": "custom_telephony_status", "label": "Telephony Status", "fieldtype": "Data",
         "read_only": 1, "insert_after": "custom_telephony_sequence"},
        {"fieldname": "custom_result", "label": "Provider Result", "fieldtype": "Data",
         "read_only": 1, "insert_after": "status"},
        {"fieldname": "custom_recording_id", "label": "Recording ID", "fieldtype": "Data",
         "read_only": 1, "insert_after": "recording_url"},
        {"fieldname": "custom_recording_file", "label": "Recording File", "fieldtype": "Data",
         "read_only": 1, "insert_after": "custom_recording_id"},
        {"fieldname": "custom_transcript", "label": "Transcript", "fieldtype": "Long Text",
         "read_only": 1},
    ],
}

# Select options added to doctypes' fields: CRM's and Telephony's telephony_medium list the
# providers they integrate themselves; calls switchboard logs say RingCentral.
SELECT_OPTIONS: list[tuple[str, str, str]] = [
    ("CRM Call Log", "telephony_medium", "RingCentral"),
    ("TP Call Log", "telephony_medium", "RingCentral"),
]

# Records the library links to: (doctype, name, values). A lead moved over from Helpdesk has
# source "Support Transfer". Removed on uninstall when nothing links to them.
RECORDS: list[tuple[str, str, dict]] = [
    ("CRM Lead Source", "Support Transfer", {"source_name": "Support Transfer"}),
]

# Composite indexes: (doctype, fields). Each phone key is looked up newest first; a closed
# ticket's follow-ups (Helpdesk's own ticket_split_from) newest first too.
INDEXES: list[tuple[str, tuple[str, ...]]] = [
    ("HD Ticket", ("ticket_split_from", "modified")),
    ("Contact Phone", ("custom_phone_key", "creation")),
    ("CRM Lead", ("custom_mobile_no_key", "creation")),
    ("CRM Lead", ("custom_phone_key", "creation")),
    ("CRM Deal", ("custom_mobile_no_key", "creation")),
    ("CRM Deal", ("custom_phone_key", "creation")),
    ("HD Ticket", ("custom_contact_mobile_key", "creation")),
    ("CRM Call Log", ("custom_from_key", "creation")),
    ("CRM Call Log", ("custom_to_key", "creation")),
    ("Helpdesk Call Log", ("custom_from_number_key", "creation")),
    ("Helpdesk Call Log", ("custom_to_number_key", "creation")),
]


def index_name(fields: tuple[str, ...]) -> str:
    """The name of our composite index: never one of Frappe's own (those end in _index)."""
    return "sb_" + "_".join(f.replace("custom_", "") for f in fields)
