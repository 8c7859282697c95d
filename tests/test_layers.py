"""Dependencies point one way: corpus ← index ← qa ← (ui, eval) ← cli."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What each layer may import from the project (besides itself).
ALLOWED = {
    "corpus": set(),
    "index": {"corpus"},
    "qa": {"corpus", "index"},
    "ui": {"corpus", "index", "qa"},
    "eval": {"corpus", "index", "qa"},
    "cli": {"corpus", "index", "qa", "ui", "eval"},
}


def _modules(layer: str) -> list[str]:
    return [f"{layer}.{m.name}" for m in pkgutil.iter_modules([str(ROOT / layer)])]


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_no_layer_imports_a_layer_above_it(layer):
    modules = _modules(layer)
    assert modules, f"no modules found in {layer}/"
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "print(json.dumps(sorted({n.split('.')[0] for n in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    loaded = set(json.loads(out.stdout.splitlines()[-1]))
    forbidden = (set(ALLOWED) - {layer} - ALLOWED[layer]) & loaded
    assert not forbidden, f"{layer} imports {sorted(forbidden)}"
