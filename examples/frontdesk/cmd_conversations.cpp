// frontdesk transfer, orders.
#include "cli.h"

namespace frontdesk {

void add_conversation_commands(CLI::App& app, Context& ctx, Runner& run) {
  (void)app;
  (void)ctx;
  (void)run;
}

void demo_conversations(Context& ctx) { (void)ctx; }

}  // namespace frontdesk
