// The settings document the RingCentral client keeps its configuration and tokens in: the
// original Single doctype "CRM RingCentral Settings" (on Frappe the secret fields are Password
// fields). Secrets are stored sealed by the client's SecretCodec; expiry times are absolute
// Unix seconds.
#include "ringcentral/ringcentral_schema.h"
#include "switchboard/schema.h"

namespace switchboard {
namespace {
FieldDef field(const char* name, FieldType type = FieldType::kText, Value def = {}) {
  return FieldDef{name, type, std::move(def), false};
}
}  // namespace

void add_ringcentral_schema(Schema& schema) {
  DocTypeDef settings;
  settings.name = "CRM RingCentral Settings";
  settings.naming = NamingRule::kSingle;
  settings.fields = {
      // configuration (the original fields first)
      field("client_id"), field("client_secret"),
      field("server_url", FieldType::kText, Value("https://platform.ringcentral.com")),
      field("environment", FieldType::kText, Value("Production")), field("company_phone_number"),
      field("media_server_url"), field("redirect_uri"), field("jwt_credential"),
      field("verification_token"),
      // tokens: the pair, absolute expiries, a version bumped on every write
      field("access_token"), field("refresh_token"), field("token_expires_at", FieldType::kInt),
      field("token_expires_in", FieldType::kInt), field("refresh_token_expires_at", FieldType::kInt),
      field("token_version", FieldType::kInt), field("owner_id"), field("token_scope"),
      // a pending authorization-code flow
      field("oauth_state"), field("oauth_code_verifier"), field("oauth_started_at", FieldType::kInt),
      // the webhook subscription (verification_token above is its sealed Verification-Token)
      field("webhook_address"), field("subscription_id"), field("subscription_status"),
      field("subscription_expires_at", FieldType::kInt), field("subscription_event_filters"),
      field("subscription_error"), field("subscription_checked_at", FieldType::kInt),
      // call-log sync by polling: the cursor and the last run
      field("sync_cursor", FieldType::kInt), field("sync_last_run", FieldType::kInt),
      field("sync_last_error"), field("sync_last_result")};
  schema.add(std::move(settings));
}

}  // namespace switchboard
