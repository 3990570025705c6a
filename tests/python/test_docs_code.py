"""Every code block of README.md and docs/*.md is checked: ```cpp blocks compile against the
public headers (g++ -fsyntax-only); the ```python blocks of one page run in order, as one
session, against the built module in a fresh folder (a page reads top to bottom, so a later
block may use what an earlier one made). A block whose info string says `fragment`
(```python fragment) is a deliberate excerpt (code for a Frappe app, say) and is only checked
to be there."""
import glob
import os
import re
import subprocess
import sys

import pytest

from conftest import BUILD, ROOT

BLOCK = re.compile(r"^```(cpp|python)([^\n]*)\n(.*?)^```", re.M | re.S)


PAGES = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))


def page_blocks(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for m in BLOCK.finditer(text):
        yield m.group(1), m.group(2).split(), m.group(3), text[: m.start()].count("\n") + 1


def cpp_blocks():
    for path in PAGES:
        for lang, info, code, line in page_blocks(path):
            if lang == "cpp":
                yield pytest.param(info, code, id=f"{os.path.relpath(path, ROOT)}:{line}")


@pytest.mark.parametrize("info,code", list(cpp_blocks()))
def test_cpp_block_compiles(info, code):
    if "fragment" in info:
        assert code.strip()
        return
    cxx = os.environ.get("CXX", "c++")
    out = subprocess.run([cxx, "-std=c++17", "-fsyntax-only", "-I", os.path.join(ROOT, "include"),
                          "-I", os.path.join(BUILD, "include"), "-x", "c++", "-"],
                         input=code, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize("path", [pytest.param(p, id=os.path.relpath(p, ROOT)) for p in PAGES])
def test_python_blocks_of_a_page_run(path, tmp_path):
    script = []
    for lang, info, code, line in page_blocks(path):
        if lang != "python" or "fragment" in info:
            continue
        # Each block marks its start, so a failure names the block's line in the page.
        script.append(f"__block_line__ = {line}\n{code}")
    if not script:
        pytest.skip("no Python block")
    runner = ("import sys, traceback\n__blocks__ = sys.argv[1:]\n"
              "ns = {}\n"
              "for b in __blocks__:\n"
              "    try:\n"
              "        exec(compile(b, 'doc', 'exec'), ns)\n"
              "    except BaseException:\n"
              "        traceback.print_exc()\n"
              "        sys.exit('block at line %s failed' % b.split('\\n', 1)[0].split('= ')[1])\n")
    env = {**os.environ,
           "PYTHONPATH": os.path.join(BUILD, "python") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-c", runner, *script], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
