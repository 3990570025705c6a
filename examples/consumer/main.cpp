// Links the installed switchboard, stores a lead in SQLite and reads it back.
#include <cstdio>
#include <switchboard/switchboard.h>

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "consumer.sqlite";
  std::remove(path);
  try {
    auto store = switchboard::make_sqlite_store(path);
    std::string name = store->insert("CRM Lead", {{"first_name", "Ada"}, {"mobile_no", "+1 555 0100"}});
    auto lead = store->get("CRM Lead", name);
    std::printf("consumer: stored CRM Lead %s (%s, status %s) with switchboard %s\n", name.c_str(),
                lead->text("first_name").c_str(), lead->text("status").c_str(),
                switchboard::kVersion);
    return 0;
  } catch (const switchboard::Error& e) {
    std::fprintf(stderr, "consumer: %s (%s)\n", e.what(), switchboard::error_code_name(e.code()));
    return 1;
  }
}
