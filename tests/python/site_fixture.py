"""The test company's site, shared with the C++ tests (tests/data/site.json): region US,
company domains cozycornerpatios.com and zipcushions.com with their support@, sales@ and
info@ aliases, company number +15559876543."""
import os

import switchboard as sb

SITE_JSON = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data",
                         "site.json")


def site(region=None):
    """A fresh copy of the test company's SiteConfig (with another region when given)."""
    with open(SITE_JSON, encoding="utf-8") as f:
        s = sb.SiteConfig.from_json(f.read())
    if region:
        s.region = region
    return s


def with_site(store, region=None):
    """`store` with the test company's site set (in memory); returns it. The stand-in Frappe's
    own database derives phone keys itself, so it gets the site too."""
    store.site = site(region)
    if hasattr(store, "frappe"):
        store.frappe.db.store.site = store.site
    return store
