// frontdesk calls.
#include "cli.h"

namespace frontdesk {

void add_call_commands(CLI::App& app, Context& ctx, Runner& run) {
  (void)app;
  (void)ctx;
  (void)run;
}

void demo_calls(Context& ctx) { (void)ctx; }

}  // namespace frontdesk
