"""Generate the Taylor expansions about the zeros of f' (activations/_taylor.py).

Each expansion is about a zero x0 of a bracket whose two terms cancel there.
Coefficients come from the Cauchy integral on a circle, at 60 digits, with
mpmath; ``tests/test_taylor.py`` regenerates them and compares.

Usage: python tools/taylor_coefficients.py > src/actlab/activations/_taylor_data.py
"""

from __future__ import annotations

import mpmath as mp

mp.mp.dps = 60


def _s(x):
    return 1 / (1 + mp.exp(-x))


def silu_bracket(x):
    return 1 + x * _s(-x)


def gelu_erf_bracket(z):
    return z + mp.sqrt(mp.pi / 2) * mp.exp(z * z / 2) * mp.erfc(-z / mp.sqrt(2))


_C = 2 * mp.sqrt(2 / mp.pi)
_K = mp.mpf("0.044715")


def gelu_tanh_bracket(z):
    x = _C * (z + _K * z**3)
    return 1 + z * _s(-x) * _C * (1 + 3 * _K * z * z)


def mish_derivative(z):
    sp = mp.log(1 + mp.exp(z))
    return mp.tanh(sp) + z * _s(z) / mp.cosh(sp) ** 2


# name: (function, starting guess for the zero, window radius, circle radius,
#        number of coefficients)
EXPANSIONS = {
    "SILU_BRACKET": (silu_bracket, -1.28, 1.0, 2.2, 40),
    "GELU_ERF_BRACKET": (gelu_erf_bracket, -0.75, 0.6, 2.0, 30),
    "GELU_TANH_BRACKET": (gelu_tanh_bracket, -0.75, 0.6, 1.5, 40),
    "MISH_DERIVATIVE": (mish_derivative, -1.19, 0.8, 1.9, 40),
}


def expansion(name):
    """``(x0, radius, [c_1, ..., c_K])`` as mpmath numbers."""
    f, guess, radius, rho, n = EXPANSIONS[name]
    x0 = mp.findroot(f, mp.mpf(guess))
    points = 512
    coeffs = []
    values = [f(x0 + rho * mp.expjpi(2 * mp.mpf(j) / points)) for j in range(points)]
    for k in range(n + 1):
        acc = mp.fsum(
            v * mp.expjpi(-2 * mp.mpf(j) * k / points) for j, v in enumerate(values)
        )
        coeffs.append(mp.re(acc) / points / rho**k)
    return x0, radius, coeffs[1:]  # c_0 = f(x0) = 0


def _double_double(x):
    hi = float(x)
    return hi, float(x - hi)


def main():
    print('"""Taylor coefficients about the zeros of f\'; made by')
    print('tools/taylor_coefficients.py (do not edit by hand)."""')
    print()
    for name in EXPANSIONS:
        x0, radius, coeffs = expansion(name)
        hi, lo = _double_double(x0)
        print(f"{name} = (")
        print(f"    ({hi!r}, {lo!r}),")
        print(f"    {radius!r},")
        print("    (")
        for c in coeffs:
            print(f"        {float(c)!r},")
        print("    ),")
        print(")")


if __name__ == "__main__":
    main()
