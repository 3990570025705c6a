"""frappe_app/ read as files, without Frappe: its hooks name functions that exist, its DocTypes
are what Frappe loads, its Custom Fields are fields the library uses. Everything the app does
is tested on a real site by tests/frappe (make test-frappe)."""
import ast
import importlib.util
import json
import os
import re

import pytest

import switchboard as sb
from conftest import ROOT

APP = os.path.join(ROOT, "frappe_app", "switchboard_frappe")
STUB = os.path.join(ROOT, "tests", "frappe", "erpnext_stub", "sb_erpnext_stub")


def functions_of(module_path: str) -> set[str]:
    tree = ast.parse(open(module_path).read())
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def hook_paths(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from hook_paths(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from hook_paths(v)


def test_every_hook_names_a_function_of_the_app():
    tree = ast.parse(open(os.path.join(APP, "hooks.py")).read())
    hooks = {n.targets[0].id: ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)}
    paths = [p for key in ("doc_events", "scheduler_events", "after_install", "after_migrate",
                           "before_uninstall", "after_uninstall") for p in hook_paths(hooks.get(key, []))]
    assert len(paths) >= 10
    for path in paths:
        module, _, func = path.rpartition(".")
        assert module.startswith("switchboard_frappe."), path
        file = os.path.join(ROOT, "frappe_app", *module.split(".")) + ".py"
        assert func in functions_of(file), path
    assert set(hooks["doc_events"]) >= {"Communication", "HD Ticket", "CRM Lead", "CRM Deal"}


@pytest.mark.parametrize("app", [APP, STUB], ids=["switchboard_frappe", "sb_erpnext_stub"])
def test_doctypes_are_what_frappe_loads(app):
    modules = open(os.path.join(app, "modules.txt")).read().split()
    folder = os.path.join(app, *[re.sub(r"[^a-z0-9]+", "_", " ".join(modules).lower())], "doctype")
    seen = 0
    for name in sorted(os.listdir(folder)):
        base = os.path.join(folder, name)
        doc = json.load(open(os.path.join(base, name + ".json")))
        assert doc["doctype"] == "DocType" and doc["module"] == " ".join(modules)
        assert re.sub(r"[^a-z0-9]+", "_", doc["name"].lower()) == name
        # Frappe imports the controller class named after the DocType, spaces and dashes removed.
        assert doc["name"].replace(" ", "").replace("-", "") in {
            n.name for n in ast.parse(open(os.path.join(base, name + ".py")).read()).body
            if isinstance(n, ast.ClassDef)}
        fieldnames = [f["fieldname"] for f in doc["fields"]]
        assert fieldnames == doc["field_order"] and len(set(fieldnames)) == len(fieldnames)
        assert os.path.exists(os.path.join(base, "__init__.py"))
        seen += 1
    assert seen >= 5


def load(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_custom_fields_are_fields_the_library_uses():
    fields = load(os.path.join(APP, "custom_fields.py"), "sb_custom_fields")
    store = sb.MemoryStore()
    for doctype, dfs in fields.CUSTOM_FIELDS.items():
        info = store.doctype(doctype)
        library = {f["name"] for f in info["fields"]} | set(info["tables"])
        for df in dfs:
            name = df["fieldname"]
            assert name.startswith("custom_"), (doctype, name)
            assert name in library or name[len("custom_"):] in library, (doctype, name)
    for doctype, columns in fields.INDEXES:
        library = {f["name"] for f in store.doctype(doctype)["fields"]}
        assert all(c in library for c in columns), (doctype, columns)


def test_app_doctypes_hold_every_field_the_library_writes():
    """The app's own doctypes (the ones Helpdesk and CRM lack) have the library's fields."""
    store = sb.MemoryStore()
    folder = os.path.join(APP, "switchboard", "doctype")
    for name in os.listdir(folder):
        doc = json.load(open(os.path.join(folder, name, name + ".json")))
        if doc["name"] not in store.doctypes():
            continue
        info = store.doctype(doc["name"])
        library = {f["name"] for f in info["fields"]} - {
            "name", "creation", "modified", "modified_by", "owner", "docstatus", "idx", "parent",
            "parenttype", "parentfield"}
        assert library <= {f["fieldname"] for f in doc["fields"]}, doc["name"]
