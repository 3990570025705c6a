// Automated mail recognised by what it says when its headers say nothing: the sender's
// mailbox name, the subject line and the opening of the body, in twelve languages.
// classify_mail() asks these after the headers (not public API). Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "switchboard/email.h"

namespace switchboard::email_detail {

/// A mailbox named for answering automatically: "autoresponder@", "auto-reply@",
/// "shop.autoreply@", "out-of-office@", matched on whole words of the local part. kHuman when
/// it is not one (system senders such as "noreply@" are the router's rule).
MailKind automated_sender(std::string_view local_part);

/// A label a mail system puts at the very start of the subject ("Automatic reply:",
/// "Autosvar:", "Réponse automatique :", "Undeliverable:"), after optional "[tag]"s; a label
/// counts only when a colon follows it, or as the whole subject when it is unambiguous
/// ("Out of Office"). kHuman when the subject carries none.
MailKind automated_subject_label(std::string_view subject);

/// The weak signals, each alone too common in human mail to decide: an absence statement
/// opening the subject ("I'm away until Monday"; never in a subject with '?'), an absence
/// statement opening the body, and an auto-reply formula in the body ("when I return", "for
/// urgent matters"; looked for only when another signal is present, since alone it decides
/// nothing). Returns how many were found (0..3); `declared` is set when the body opens by
/// saying it is automatic ("This is an automated response").
int absence_signals(std::string_view subject, std::string_view body, bool& declared);

/// The mail's own words: `text` (HTML tags removed when it is HTML) up to the first quoted
/// line or "... wrote:" attribution, at most about `limit` bytes.
std::string own_text(std::string_view text, std::size_t limit);

}  // namespace switchboard::email_detail
