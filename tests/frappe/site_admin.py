"""install-app / uninstall-app for the test site, run in this Python (not Frappe's CLI).

    python site_admin.py SITE install|uninstall|reinstall|ensure APP...

`ensure` installs an app the site lacks and brings an installed one up to date with its files
(its DocTypes synced and its after_migrate hooks run, as `bench migrate` would for it alone).

Frappe 15.56's install-app resolves every required app's name through api.github.com, even
when it is installed; these tests run offline, so, as ../shared/frappe/setup-site does, a name
in apps.txt resolves to itself. Everything else is Frappe's own install_app / remove_app.
"""
from __future__ import annotations

import os
import sys
import time


def connect(site: str):
    import frappe

    os.chdir(os.environ.get("FRAPPE_SITES") or os.path.join(
        os.environ.get("FRAPPE_BENCH", os.path.expanduser("~/frappe-bench")), "sites"))
    frappe.init(site=site, sites_path=".")
    frappe.connect()
    frappe.set_user("Administrator")
    return frappe


def install(frappe, app: str) -> None:
    import frappe.installer

    if app in frappe.get_installed_apps():
        print(f"{app} already installed")
        return
    # Redis may hold a module map from before the app was in apps.txt: then install_app would
    # sync none of its DocTypes.
    frappe.clear_cache()
    frappe.setup_module_map()
    local, resolve = set(frappe.get_all_apps()), frappe.installer.parse_app_name
    frappe.installer.parse_app_name = lambda name: (
        name.rsplit("/", 1)[-1] if name.rsplit("/", 1)[-1] in local else resolve(name))
    try:
        t0 = time.time()
        frappe.installer.install_app(app)
        frappe.db.commit()
        print(f"installed {app} in {time.time() - t0:.1f}s")
    finally:
        frappe.installer.parse_app_name = resolve


def uninstall(frappe, app: str) -> None:
    import frappe.installer

    if app not in frappe.get_installed_apps():
        print(f"{app} not installed")
        return
    t0 = time.time()
    # Each install adds the app's custom columns and each uninstall drops them, instantly:
    # MariaDB keeps a dropped column in the table's metadata until the table is rebuilt, and on
    # this long-lived test site enough cycles made a later drop fail with "Row size too large".
    modules = frappe.get_module_list(app)
    for dt in frappe.get_all("Custom Field", filters={"module": ["in", modules]}, pluck="dt",
                             distinct=True):
        frappe.db.sql_ddl(f"ALTER TABLE `tab{dt}` FORCE")
    frappe.installer.remove_app(app, yes=True, no_backup=True)
    frappe.db.commit()
    print(f"uninstalled {app} in {time.time() - t0:.1f}s")


def ensure(frappe, app: str) -> None:
    if app not in frappe.get_installed_apps():
        install(frappe, app)
        return
    from frappe.model.sync import sync_for

    t0 = time.time()
    frappe.clear_cache()
    frappe.setup_module_map()
    sync_for(app)
    for hook in frappe.get_hooks("after_migrate", app_name=app):
        frappe.get_attr(hook)()
    frappe.db.commit()
    frappe.clear_cache()
    print(f"{app} up to date ({time.time() - t0:.1f}s)")


def main() -> None:
    site, action, apps = sys.argv[1], sys.argv[2], sys.argv[3:]
    frappe = connect(site)
    try:
        for app in apps:
            if action in ("uninstall", "reinstall"):
                uninstall(frappe, app)
            if action in ("install", "reinstall"):
                install(frappe, app)
            if action == "ensure":
                ensure(frappe, app)
    finally:
        frappe.destroy()


if __name__ == "__main__":
    main()
