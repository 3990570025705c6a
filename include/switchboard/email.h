// switchboard: inbound email — the fields routing needs, parsed from raw RFC 5322 mail with
// GMime, and the pure text rules for addresses, display names, subjects and automated mail.
// Thread-safe: free functions keep no state (GMime is initialized once, under std::call_once);
// InboundEmail is a plain value type (one thread at a time per object).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "switchboard/export.h"

namespace switchboard {

/// One header field: the name as written and the value unfolded and RFC 2047-decoded.
using HeaderField = std::pair<std::string, std::string>;

/// What a delivery-status notification (RFC 3464) says about the mail that bounced.
struct SWITCHBOARD_EXPORT BounceReport {
  bool dsn = false;                 ///< the mail is a multipart/report; report-type=delivery-status
  std::string original_message_id;  ///< Message-ID of the bounced mail, without brackets
  std::string final_recipient;      ///< the address that failed (Final-Recipient)
  std::string action;               ///< failed, delayed, delivered, relayed, expanded
  std::string status;               ///< the RFC 3463 status code, e.g. "5.1.1"
  /// True for a 5.x.x status (the address is undeliverable).
  bool permanent() const noexcept { return !status.empty() && status[0] == '5'; }
};

/// How much of one mail from_rfc822() reads. Beyond a limit the mail is still read, without
/// the parts that do not fit; InboundEmail::omitted says what was left out and why.
struct SWITCHBOARD_EXPORT MailLimits {
  /// Decoded body text kept across all parts (plain text, HTML, delivery status). A part that
  /// would go past it is left out whole. Default 25 MiB, the common mail-server limit.
  std::size_t max_bytes = 25u << 20;
  /// MIME parts looked at; the parts after these are not read, and the message is parsed only
  /// up to its (4 * max_parts + 1000)-th line starting with "--" (where a part can begin).
  std::size_t max_parts = 100;
};

/// One inbound mail as the router sees it. Build it from fields (the shape of a Frappe
/// Communication plus the threading headers Frappe does not keep) or with from_rfc822().
/// Address fields hold addresses or address lists as written ("Ann <ann@x.com>, bob@y.com");
/// the router parses and normalizes them.
struct SWITCHBOARD_EXPORT InboundEmail {
  std::string message_id;  ///< without angle brackets; empty: the router derives a synthetic one
  bool synthetic_message_id = false;  ///< message_id was derived from the bytes (mail had none)
  std::string sender;                 ///< From address
  std::string sender_full_name;       ///< From display name, decoded
  std::string reply_to;               ///< Reply-To address list
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::vector<std::string> delivered_to;  ///< Delivered-To and X-Original-To
  std::string subject;                    ///< decoded and unfolded
  std::string in_reply_to;                ///< a Message-ID (not a Communication name)
  std::vector<std::string> references;    ///< Message-IDs, oldest first, without brackets
  std::vector<HeaderField> headers;       ///< every header field, in order
  std::string sent_or_received = "Received";
  std::string email_account;   ///< the Frappe Email Account the mail arrived through
  std::string content;         ///< body as Communication.content: HTML when there is some, else text
  std::string text_content;    ///< plain-text body
  std::string date;            ///< Date header as Frappe datetime text (process TZ), or ""
  /// The Date header's instant as Unix seconds, when known: a Router writes it in its
  /// store's time zone (Store::time_zone); without it, `date` is written as it is.
  std::optional<std::int64_t> date_unix;
  bool has_attachment = false;
  std::string reference_doctype;  ///< set when the mail is already filed on a record
  std::string reference_name;
  /// Name of the Communication that already holds this mail (a Frappe before_save hook passes
  /// doc.name): route() updates that row when it exists instead of inserting a new one.
  std::string communication;
  BounceReport bounce;  ///< filled by from_rfc822 for delivery-status reports
  /// What from_rfc822 left out because of MailLimits, one reason per line; "" when nothing.
  std::string omitted;

  /// Parses a raw RFC 5322 message with GMime: folded headers, RFC 2047 encoded words, address
  /// lists with quoted commas and comments, References, MIME bodies in any charset, DSN parts.
  /// A mail without Message-ID gets synthetic_message_id_for(raw, sender). Throws ParseError
  /// when the bytes hold no header field at all. Text that is not UTF-8 after decoding (8-bit
  /// headers in no declared charset) has U+FFFD for what cannot be read.
  static InboundEmail from_rfc822(std::string_view raw, std::string_view email_account = {},
                                  const MailLimits& limits = {});
  /// Builds a mail from a JSON object with the field names above ("headers" as an object or a
  /// list of [name, value] pairs). Unknown keys are ignored; wrong types throw ParseError.
  static InboundEmail from_json(std::string_view json);
  /// The fields as a JSON object (what from_json reads back).
  std::string to_json() const;
  /// The first value of a header field (case-insensitive name), or nullptr.
  const std::string* header(std::string_view name) const noexcept;
};

/// Splits an mbox file (mboxrd/mboxo "From " separators) into mails with GMime's mbox parser.
/// Throws ParseError when no mail can be read.
SWITCHBOARD_EXPORT std::vector<InboundEmail> parse_mbox(std::string_view mbox,
                                                        std::string_view email_account = {});

/// The deterministic Message-ID of a mail that has none: "sb-<32 hex of SHA-256>@<domain of
/// sender>" (domain "switchboard.invalid" when unknown), so a re-delivery still deduplicates.
SWITCHBOARD_EXPORT std::string synthetic_message_id_for(std::string_view bytes,
                                                        std::string_view sender);
/// The synthetic Message-ID of a mail built from fields (hash of sender, recipients, subject,
/// date, threading headers and body).
SWITCHBOARD_EXPORT std::string synthetic_message_id(const InboundEmail& email);

// ---- addresses ---------------------------------------------------------------------------

/// A normalized address split into parts. `address` is empty when the input is not one.
struct SWITCHBOARD_EXPORT EmailAddress {
  std::string address;  ///< local@domain, normalized (tag kept)
  std::string local;    ///< local part without the +tag
  std::string domain;   ///< lowercase ASCII (IDNA "xn--" form for Unicode domains)
  std::string tag;      ///< the subaddress after the delimiter ("orders" in support+orders@)
  /// local@domain without the tag: the form aliases, blocklists and lookups compare.
  std::string base() const { return local.empty() ? std::string() : local + "@" + domain; }
  bool empty() const noexcept { return address.empty(); }
};

/// Normalizes one address: removes NUL and other control characters; strips spaces, quotes,
/// angle brackets and a trailing dot;
/// lowercases the domain (Unicode domains to their IDNA ASCII form) and ASCII local parts
/// (non-ASCII local parts are left as they are). Empty result for anything without exactly
/// one usable '@'. `plus_delimiter` empty disables subaddress splitting. Never throws.
SWITCHBOARD_EXPORT EmailAddress parse_email_address(std::string_view raw,
                                                    std::string_view plus_delimiter = "+");
/// parse_email_address(raw).address.
SWITCHBOARD_EXPORT std::string normalize_email(std::string_view raw);

/// One mailbox of an address list: decoded display name and the address as written.
struct Mailbox {
  std::string name;
  std::string address;
};
/// Parses an address-list header value with GMime (quoted commas, comments, groups, encoded
/// words). Entries without an address are dropped. Never throws.
SWITCHBOARD_EXPORT std::vector<Mailbox> parse_address_list(std::string_view value);

// ---- names and subjects ------------------------------------------------------------------

/// Cleans a decoded display name: trims, strips quotes and a trailing "(comment)", turns
/// "Last, First" into "First Last", collapses whitespace. Returns "" when the name is empty,
/// contains '@' or is the address itself (callers then derive a name from the address).
SWITCHBOARD_EXPORT std::string clean_display_name(std::string_view name,
                                                  std::string_view address = {});
/// The original scripts' name from an address: the local part (tag removed) with '.' and '_' as spaces,
/// title-cased per Unicode ("john.doe" -> "John Doe", "o'brien" -> "O'Brien").
SWITCHBOARD_EXPORT std::string name_from_address(std::string_view address);
/// Title-cases words the way Python's str.title() does, for any Unicode letters.
SWITCHBOARD_EXPORT std::string title_case(std::string_view text);

/// The subject without reply/forward prefixes in many languages (Re, RE[2], Re*2, AW, WG, SV,
/// VS, Antw, Fwd, FW, TR, RIF, Odp, 回复, 转发, ...), "[Fwd: ...]" wrappers, "(fwd)" trailers
/// and leading "[TAG]"s; arbitrary "XX:" prefixes are kept. Whitespace is collapsed. For
/// comparing subjects, not for display.
SWITCHBOARD_EXPORT std::string normalize_subject(std::string_view subject);
/// The subject to store: whitespace collapsed, `placeholder` when empty, and when longer than
/// `max_chars` Unicode characters, the first max_chars - 3 characters plus "..." (cut on code
/// points, never inside a character or before a combining mark).
SWITCHBOARD_EXPORT std::string truncate_subject(std::string_view subject,
                                                std::size_t max_chars = 140,
                                                std::string_view placeholder = "(no subject)");
/// The first `max_chars` Unicode characters of `text` (never a partial UTF-8 sequence).
SWITCHBOARD_EXPORT std::string utf8_prefix(std::string_view text, std::size_t max_chars);

// ---- automated mail ----------------------------------------------------------------------

/// What kind of sender wrote a mail, judged from its headers (RFC 3834 and de-facto ones).
enum class MailKind {
  kHuman,        ///< none of the signals below
  kAutoReply,    ///< Auto-Submitted other than "no", X-Autoreply, X-Autorespond, Precedence auto_reply/junk, X-Loop, ...
  kOutOfOffice,  ///< an automated vacation / out-of-office reply
  kMailingList,  ///< List-Id, List-Unsubscribe, Precedence bulk/list
  kBounce,       ///< a delivery-status report, mailer-daemon/postmaster sender, empty Return-Path
};
/// "human", "auto_reply", "out_of_office", "mailing_list", "bounce".
SWITCHBOARD_EXPORT const char* mail_kind_name(MailKind kind) noexcept;
/// Classifies a mail by its headers, From address and bounce report. Never throws.
SWITCHBOARD_EXPORT MailKind classify_mail(const InboundEmail& email);

}  // namespace switchboard
