// frontdesk route.
#include "cli.h"

namespace frontdesk {

void add_routing_commands(CLI::App& app, Context& ctx, Runner& run) {
  (void)app;
  (void)ctx;
  (void)run;
}

void demo_routing(Context& ctx) { (void)ctx; }

}  // namespace frontdesk
