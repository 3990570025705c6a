// Fuzz target: raw mail. InboundEmail::from_rfc822 returns a mail or throws ParseError; the
// mail survives a JSON round trip unchanged; classifying it and planning its route on an
// empty store never throw (routing errors are a `skip` with a reason). Any other outcome aborts.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "switchboard/email.h"
#include "switchboard/error.h"
#include "switchboard/memory_store.h"
#include "switchboard/routing.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const switchboard::Router router(std::shared_ptr<switchboard::Store>(switchboard::make_memory_store()));
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  switchboard::InboundEmail mail;
  try {
    mail = switchboard::InboundEmail::from_rfc822(raw, "Support");
  } catch (const switchboard::ParseError&) {
    return 0;
  }
  std::string json = mail.to_json();
  if (switchboard::InboundEmail::from_json(json).to_json() != json) std::abort();
  (void)switchboard::classify_mail(mail);
  (void)switchboard::normalize_subject(mail.subject);
  switchboard::RouteResult result = router.plan(mail);
  if (result.reason.empty()) std::abort();
  return 0;
}
