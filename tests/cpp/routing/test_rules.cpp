// RoutingRules: the seed's lists as defaults, JSON in and out, validation.
#include <doctest/doctest.h>

#include "routing/routing_test_support.h"

using namespace switchboard;

TEST_CASE("rules: the defaults are the seed's behaviour; the site's facts come from the site") {
  RoutingRules r;
  using V = std::vector<std::string>;
  // Aliases, internal domains and open statuses are the store's SiteConfig unless overridden.
  CHECK_FALSE(r.support_aliases.has_value());
  CHECK_FALSE(r.sales_aliases.has_value());
  CHECK_FALSE(r.info_aliases.has_value());
  CHECK_FALSE(r.internal_domains.has_value());
  CHECK_FALSE(r.open_statuses.has_value());
  CHECK(r.blocked_senders == V{"admin@example.com", "administrator@example.com"});
  CHECK(r.system_keywords == V{"mailer-daemon", "noreply", "no-reply", "postmaster", "bounce",
                               "donotreply", "do-not-reply", "automated"});
  CHECK(r.system_prefixes == V{"noreply", "no-reply", "mailer-daemon", "postmaster", "bounce",
                               "bounces", "donotreply", "do-not-reply", "notification",
                               "notifications", "notify", "alert", "alerts", "wordpress"});
  CHECK(r.role_mailboxes.size() == 26);
  CHECK(std::count(r.role_mailboxes.begin(), r.role_mailboxes.end(), "support") == 1);
  CHECK(r.generic_names == V{"administrator", "admin", "noreply", "support", "sales", "info"});
  CHECK(r.reply_window_days == 7);
  CHECK(r.subject_max_length == 140);
  CHECK(r.support_alias_existing_ticket == "link_latest_open");
  CHECK(r.sender_recency_link == "any_open");
  CHECK(r.closed_ticket == "follow_up");
  CHECK(r.resolved_ticket == "reopen_within_days");
  CHECK(r.closed_ticket_days == 14);
  CHECK(r.sales_alias_open_ticket == "link_if_about_ticket");
  CHECK(r.mixed_aliases == "to_before_cc");
  CHECK(r.automated_mail == "attach_no_reopen");
  CHECK(r.reply_to == "web_forms");  // the original scripts: use_from
  CHECK(r.loop_threshold == 20);
  CHECK(r.loop_window_minutes == 120);
  CHECK(r.ticket_status == "Open");
  CHECK(r.ticket_priority == "Medium");
  CHECK(r.lead_status == "New");
  CHECK(r.error_log == "errors");  // routine decisions go to the decision log, not Error Log
  CHECK(r.route_log == "outcome");
  CHECK_NOTHROW(r.validate());
}

TEST_CASE("rules: from_json keeps defaults for absent keys and round-trips") {
  RoutingRules r = RoutingRules::from_json(R"({
    "support_aliases": ["help@shop.example"], "closed_ticket": "new_ticket_after_days",
    "closed_ticket_days": 14, "loop_allow": ["@partner.example"], "error_log": "outcome"})");
  CHECK(r.support_aliases == std::vector<std::string>{"help@shop.example"});
  CHECK_FALSE(r.sales_aliases.has_value());
  CHECK(r.closed_ticket == "new_ticket_after_days");
  CHECK(r.closed_ticket_days == 14);
  CHECK(r.error_log == "outcome");
  RoutingRules back = RoutingRules::from_json(r.to_json());
  CHECK(back.to_json() == r.to_json());
  CHECK(RoutingRules::from_json("{}").to_json() == RoutingRules().to_json());
  // null = the site's; [] = none at all.
  RoutingRules none = RoutingRules::from_json(R"({"sales_aliases": [], "info_aliases": null})");
  CHECK(none.sales_aliases == std::vector<std::string>{});
  CHECK_FALSE(none.info_aliases.has_value());
  CHECK(RoutingRules::from_json(none.to_json()).to_json() == none.to_json());
}

TEST_CASE("rules: bad JSON, unknown keys, wrong types and bad values are refused") {
  CHECK_THROWS_AS(RoutingRules::from_json("{"), ParseError);
  CHECK_THROWS_AS(RoutingRules::from_json("[]"), ParseError);
  CHECK_THROWS_WITH_AS(RoutingRules::from_json(R"({"support_alias": []})"),
                       "unknown routing rule 'support_alias'", ParseError);
  CHECK_THROWS_AS(RoutingRules::from_json(R"({"support_aliases": "x@y.z"})"), ParseError);
  CHECK_THROWS_AS(RoutingRules::from_json(R"({"support_aliases": [1]})"), ParseError);
  CHECK_THROWS_AS(RoutingRules::from_json(R"({"reply_window_days": "7"})"), ParseError);
  CHECK_THROWS_AS(RoutingRules::from_json(R"({"reply_window_days": -1})"), ParseError);
  CHECK_THROWS_AS(RoutingRules::from_json(R"({"closed_ticket": "sometimes"})"), ParseError);
  CHECK_THROWS_AS(RoutingRules::from_json(R"({"route_log": "errors"})"), ParseError);
  RoutingRules bad;
  bad.sender_recency_link = "always";
  CHECK_THROWS_AS(bad.validate(), ValidationError);
  CHECK_THROWS_AS(Router(make_memory_store(), bad), ValidationError);
  CHECK_THROWS_AS(Router(nullptr), ValidationError);
}
