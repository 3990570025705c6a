// open_store(backend): the one way a backend becomes a store, for every factory and binding.
#include <doctest/doctest.h>

#include "switchboard/memory_store.h"
#include "switchboard/model.h"
#include "switchboard/open_store.h"
#include "switchboard/switchboard.h"

using namespace switchboard;

namespace {

class Passing : public ForwardingBackend {
 public:
  using ForwardingBackend::ForwardingBackend;
};

SiteConfig acme() {
  SiteConfig site;
  site.company_domains = {"acme.example"};
  site.support_aliases = {"support@acme.example"};
  return site;
}

}  // namespace

TEST_CASE("open_store(backend): own database seeded on request, site facts read back") {
  auto backend = make_memory_backend();
  {
    auto first = open_store(backend);  // standard schema, Frappe's default statuses
    CHECK(&first->schema() == Schema::standard().get());
    CHECK(first->exists("HD Ticket Status", "Open"));
    save_site_config(*first, acme());
  }
  auto again = open_store(backend, nullptr, /*seed_defaults=*/false);
  CHECK(again->site()->support_aliases == std::vector<std::string>{"support@acme.example"});

  auto bare = open_store(make_memory_backend(), nullptr, /*seed_defaults=*/false);
  CHECK_FALSE(bare->exists("HD Ticket Status", "Open"));
  CHECK(bare->site()->support_aliases.empty());
}

TEST_CASE("open_store(backend): a decorator shares its inner store's schema, zone and site") {
  std::shared_ptr<Store> inner = make_memory_store();
  inner->set_site(acme());
  inner->set_time_zone("Europe/Berlin");
  auto outer = open_store(std::make_shared<Passing>(inner), nullptr, false);
  CHECK(&outer->schema() == &inner->schema());
  CHECK(outer->time_zone() == "Europe/Berlin");
  CHECK(outer->site()->company_domains == std::vector<std::string>{"acme.example"});
  outer->set_site(SiteConfig{});  // forwarded: the inner store's facts change
  CHECK(inner->site()->company_domains.empty());
}

TEST_CASE("open_store(backend): a null backend is refused") {
  CHECK_THROWS_AS(open_store(std::shared_ptr<StoreBackend>{}), ValidationError);
}
