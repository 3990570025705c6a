// Automated-mail classification: headers first (RFC 3834 Auto-Submitted, the de-facto
// Precedence / X-Autoreply / X-Auto-Response-Suppress / List-* headers, out-of-office
// markers, bounces by RFC 3464 reports, mailer-daemon senders and null Return-Path), then,
// for mail whose headers say nothing, what it says (email/automated.h).
#include <gmime/gmime.h>

#include <array>
#include <string>

#include "core/text.h"
#include "email/automated.h"
#include "email/email_internal.h"
#include "email/gmime_support.h"
#include "switchboard/email.h"

namespace switchboard {
namespace {

using text::lower_ascii;
using text::trim;

// The first token of a structured value: before ';', '(' or whitespace, lowercased.
std::string first_token(std::string_view value) {
  std::string v = trim(value);
  auto end = v.find_first_of(";( \t");
  return lower_ascii(v.substr(0, end));
}

bool contains_ci(std::string_view haystack, std::string_view needle) {
  return lower_ascii(haystack).find(lower_ascii(needle)) != std::string::npos;
}

bool has_header(const InboundEmail& e, std::string_view name) { return e.header(name) != nullptr; }

bool is_report_content_type(const std::string* value) {
  if (!value) return false;
  GMimeContentType* ct = g_mime_content_type_parse(gmime::options(), value->c_str());
  bool dsn = gmime::is_dsn_report(ct);
  if (ct) g_object_unref(ct);
  return dsn;
}

}  // namespace

const char* mail_kind_name(MailKind kind) noexcept {
  switch (kind) {
    case MailKind::kHuman: return "human";
    case MailKind::kAutoReply: return "auto_reply";
    case MailKind::kOutOfOffice: return "out_of_office";
    case MailKind::kMailingList: return "mailing_list";
    case MailKind::kBounce: return "bounce";
  }
  return "human";
}

MailKind classify_mail(const InboundEmail& e) {
  if (e.bounce.dsn || is_report_content_type(e.header("Content-Type"))) return MailKind::kBounce;
  EmailAddress from = parse_email_address(e.sender);
  if (from.local == "mailer-daemon" || from.local == "postmaster") return MailKind::kBounce;

  bool automated = false, out_of_office = false, list = false, declared_human = false;
  if (const std::string* v = e.header("Auto-Submitted")) {
    std::string token = first_token(*v);
    declared_human = token == "no";
    if (!token.empty() && token != "no") {
      automated = true;
      // Zimbra/Sieve vacation: "auto-replied (zimbra; vacation)"; RFC 5436 owner-email=.
      out_of_office = contains_ci(*v, "vacation") || contains_ci(*v, "owner-email");
    }
  }
  if (has_header(e, "X-Autoreply") || has_header(e, "X-Autorespond") || has_header(e, "X-Loop"))
    automated = true;
  if (const std::string* v = e.header("Precedence")) {
    std::string token = first_token(*v);
    if (token == "bulk" || token == "list") list = true;
    if (token == "junk" || token == "auto_reply") automated = true;
  }
  if (const std::string* v = e.header("X-Auto-Response-Suppress")) {
    static constexpr std::array<std::string_view, 3> kSuppressed{"all", "oof", "autoreply"};
    if (text::contains_word(lower_ascii(*v), kSuppressed)) automated = true;
    // Exchange out-of-office: suppress header plus the inbox-rules loop marker.
    if (automated && has_header(e, "X-MS-Exchange-Inbox-Rules-Loop")) out_of_office = true;
  }
  if (has_header(e, "List-Id") || has_header(e, "List-Unsubscribe")) list = true;

  // What the mail says, unless its headers say a person wrote it ("Auto-Submitted: no").
  MailKind said = MailKind::kHuman;
  if (!declared_human) {
    said = email_detail::automated_sender(from.local);
    if (said == MailKind::kHuman) said = email_detail::automated_subject_label(e.subject);
    if (said == MailKind::kHuman) {
      bool declared = false;
      int signals = email_detail::absence_signals(
          e.subject, e.text_content.empty() ? e.content : e.text_content, declared);
      if (signals >= 2 || (declared && signals >= 1)) said = MailKind::kOutOfOffice;
      else if (declared) said = MailKind::kAutoReply;
    }
  }

  if (out_of_office || said == MailKind::kOutOfOffice) return MailKind::kOutOfOffice;
  if (automated) return MailKind::kAutoReply;
  if (list) return MailKind::kMailingList;
  if (const std::string* v = e.header("Return-Path")) {
    std::string rp = trim(*v);
    if (rp.empty() || rp == "<>") return MailKind::kBounce;
  }
  return said;
}

}  // namespace switchboard
