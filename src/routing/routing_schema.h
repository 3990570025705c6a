// Internal: the doctypes routing owns, declared to the site model.
#pragma once

namespace switchboard {
class Schema;
/// The decision log ("Switchboard Route Log").
void add_routing_schema(Schema& schema);
}  // namespace switchboard
