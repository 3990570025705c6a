// Internal: the settings doctype the RingCentral client keeps its configuration and tokens in,
// declared to the site model.
#pragma once

namespace switchboard {
class Schema;
/// The Single doctype "CRM RingCentral Settings".
void add_ringcentral_schema(Schema& schema);
}  // namespace switchboard
