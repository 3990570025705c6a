// Fuzz target: raw mail. InboundEmail::from_rfc822 returns a mail or throws ParseError; the
// mail survives a JSON round trip unchanged; classifying it and planning its route on an
// empty store never throw (routing errors are a `skip` with a reason); every field is valid
// UTF-8 (8-bit headers decoded or replaced); tight MailLimits only leave parts out, recorded
// in `omitted`. Any other outcome aborts.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "core/text.h"
#include "switchboard/email.h"
#include "switchboard/error.h"
#include "switchboard/memory_store.h"
#include "switchboard/routing.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const switchboard::Router router{std::shared_ptr<switchboard::Store>(switchboard::make_memory_store())};
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  switchboard::InboundEmail mail;
  try {
    mail = switchboard::InboundEmail::from_rfc822(raw, "Support");
  } catch (const switchboard::ParseError&) {
    return 0;
  }
  for (const std::string* f : {&mail.subject, &mail.sender_full_name, &mail.message_id,
                               &mail.text_content, &mail.content, &mail.date})
    if (!switchboard::text::is_valid_utf8(*f)) std::abort();
  for (const auto& [name, value] : mail.headers)
    if (!switchboard::text::is_valid_utf8(name) || !switchboard::text::is_valid_utf8(value)) std::abort();
  switchboard::MailLimits tight;
  tight.max_bytes = 64;
  tight.max_parts = 3;
  switchboard::InboundEmail small = switchboard::InboundEmail::from_rfc822(raw, "Support", tight);
  if (small.text_content.size() > 4 * tight.max_bytes || small.subject != mail.subject) std::abort();
  std::string json = mail.to_json();
  if (switchboard::InboundEmail::from_json(json).to_json() != json) std::abort();
  (void)switchboard::classify_mail(mail);
  (void)switchboard::normalize_subject(mail.subject);
  switchboard::RouteResult result = router.plan(mail);
  if (result.reason.empty()) std::abort();
  return 0;
}
