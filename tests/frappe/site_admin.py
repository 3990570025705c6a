"""install-app / uninstall-app for the test site, run in this Python (not Frappe's CLI).

    python site_admin.py SITE install|uninstall|reinstall APP

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

    os.chdir(os.environ.get("FRAPPE_SITES") or os.path.join(os.environ["FRAPPE_BENCH"], "sites"))
    frappe.init(site=site, sites_path=".")
    frappe.connect()
    frappe.set_user("Administrator")
    return frappe


def install(frappe, app: str) -> None:
    import frappe.installer

    if app in frappe.get_installed_apps():
        print(f"{app} already installed")
        return
    frappe.clear_cache()
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
    frappe.installer.remove_app(app, yes=True, no_backup=True)
    frappe.db.commit()
    print(f"uninstalled {app} in {time.time() - t0:.1f}s")


def main() -> None:
    site, action, app = sys.argv[1:4]
    frappe = connect(site)
    try:
        if action in ("uninstall", "reinstall"):
            uninstall(frappe, app)
        if action in ("install", "reinstall"):
            install(frappe, app)
    finally:
        frappe.destroy()


if __name__ == "__main__":
    main()
