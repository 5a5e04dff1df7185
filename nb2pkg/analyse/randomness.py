"""Random draws and seeds, as code shows them: what makes outputs differ.

Read by the checks (NBP111, a draw before any seed) and by test generation
(an output made from such a draw pins nothing).
"""

from __future__ import annotations

import re

# A call that draws random numbers, and one that sets a seed.
RANDOM_USE = re.compile(
    r"\b(?:np\.random\.(?!seed|default_rng\(\s*\d|RandomState\(\s*\d)\w+|numpy\.random\.(?!seed)\w+|"
    r"random\.(?:random|randint|choice|choices|shuffle|sample|uniform|gauss)|"
    r"torch\.(?:rand|randn|randint|randperm|normal)|tf\.random\.(?!set_seed)\w+)\s*\("
)
SEED = re.compile(
    r"\b(?:seed|manual_seed|set_seed|seed_everything|default_rng\(\s*\d|"
    r"RandomState\(\s*\d)"
)
