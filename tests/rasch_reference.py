"""Writes tests/fixtures/rasch/girth.json: a simulated class (Rasch model,
seeded) and the item difficulties Python's `girth` estimates for it by
conditional maximum likelihood, the reference tests/rasch.rs holds docket
to. Run once by hand: python3 tests/rasch_reference.py (needs girth)."""
import json
import numpy as np
import girth
from importlib.metadata import version

rng = np.random.default_rng(2026)
n_students, n_items = 300, 15
theta = rng.normal(0.0, 1.0, n_students)
b = np.linspace(-2.0, 2.0, n_items)
p = 1.0 / (1.0 + np.exp(b[None, :] - theta[:, None]))
marks = (rng.random((n_students, n_items)) < p).astype(int)
result = girth.rasch_conditional(marks.T, options={"max_iteration": 2000})
json.dump(
    {
        "tool": f"girth {version('girth')} rasch_conditional (CML, sum of difficulties 0)",
        "marks": marks.tolist(),
        "difficulty": [float(x) for x in result["Difficulty"]],
    },
    open("tests/fixtures/rasch/girth.json", "w"),
)
