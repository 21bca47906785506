"""Floating-point overflow, invalid and divide-by-zero raise in every test
(warnings are errors through pyproject's filterwarnings)."""

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _raise_on_fp_errors():
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        yield
