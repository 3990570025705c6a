// frontdesk normalize, merge.
#include "cli.h"

namespace frontdesk {

void add_phone_commands(CLI::App& app, Context& ctx, Runner& run) {
  (void)app;
  (void)ctx;
  (void)run;
}

void demo_phones(Context& ctx) { (void)ctx; }

}  // namespace frontdesk
