"""The registry: names, aliases, spec strings, frozen instances and errors."""

import dataclasses
from dataclasses import dataclass

import pytest

import actlab
from actlab.activations import _registry, activation_class, register
from actlab.activations._base import Activation
from actlab.errors import ActlabError

EXPECTED_NAMES = (
    "identity logistic tanh softmax log_softmax relu leaky_relu elu selu celu "
    "softplus softsign gelu silu mish hard_sigmoid hard_tanh relu6 hard_swish "
    "exponential log_sigmoid arctan sin polynomial"
).split()

NON_DEFAULT_SPECS = [
    "elu:alpha=0.5",
    "leaky_relu:alpha=0.2",
    "gelu:approximate=tanh",
    "softplus:beta=2.0",
    "polynomial:coefficients=[1,0,-2]",
]


def _message(excinfo) -> str:
    msg = str(excinfo.value)
    assert "\n" not in msg
    return msg


# ----- names and aliases ------------------------------------------------------
def test_names_are_sorted_and_complete():
    found = actlab.names()
    assert found == sorted(found)
    assert len(found) == len(set(found))
    assert set(EXPECTED_NAMES) <= set(found)


def test_names_with_aliases_adds_sigmoid_and_swish():
    plain = actlab.names()
    with_aliases = actlab.names(aliases=True)
    assert with_aliases == sorted(with_aliases)
    assert set(plain) < set(with_aliases)
    assert {"sigmoid", "swish"} <= set(with_aliases) - set(plain)


def test_sigmoid_is_logistic():
    act = actlab.get("sigmoid")
    assert type(act) is activation_class("logistic")
    assert act == actlab.get("logistic")
    assert act.name == "logistic"
    assert act.spec == "logistic"


def test_swish_is_silu_with_beta():
    act = actlab.get("swish", beta=2.0)
    assert type(act) is activation_class("silu")
    assert act.beta == 2.0
    assert act == actlab.get("silu:beta=2")
    assert act.spec == "silu:beta=2.0"


@pytest.mark.parametrize(
    "alias", sorted(set(actlab.names(aliases=True)) - set(actlab.names()))
)
def test_alias_builds_its_target_and_spells_the_canonical_name(alias):
    act = actlab.get(alias)
    assert act.name in actlab.names()
    assert act == actlab.get(act.name)
    assert act.spec == act.name


@pytest.mark.parametrize("spelling", [" ReLU ", "RELU", "relu", "\trelu\n"])
def test_names_ignore_case_and_surrounding_whitespace(spelling):
    assert activation_class(spelling) is activation_class("relu")
    assert actlab.get(spelling) == actlab.get("relu")


def test_spec_name_ignores_case():
    assert actlab.get(" ELU:alpha=0.5") == actlab.get("elu", alpha=0.5)


# ----- spec strings -----------------------------------------------------------
def test_spec_string_equals_keyword_parameters():
    assert actlab.get("elu:alpha=0.5") == actlab.get("elu", alpha=0.5)
    assert actlab.get("elu:alpha=0.5").alpha == 0.5


def test_keyword_overrides_spec():
    act = actlab.get("elu:alpha=0.5", alpha=0.7)
    assert act.alpha == 0.7
    assert act == actlab.get("elu", alpha=0.7)


def test_spec_with_spaces_around_parameters():
    assert actlab.get("elu: alpha = 0.5 ") == actlab.get("elu", alpha=0.5)


def test_spec_with_several_parameters_and_bracketed_list():
    act = actlab.get("polynomial:coefficients=[1, 0, -2]")
    assert act.coefficients == (1.0, 0.0, -2.0)
    assert act == actlab.get("polynomial", coefficients=[1, 0, -2])


def test_get_returns_an_activation_as_is_or_with_params():
    act = actlab.get("elu:alpha=0.5")
    assert actlab.get(act) is act
    assert actlab.get(act, alpha=0.25) == actlab.get("elu:alpha=0.25")


@pytest.mark.parametrize("name", actlab.names())
def test_default_spec_round_trips(name):
    act = actlab.get(name)
    assert act.spec == name
    assert actlab.get(act.spec) == act
    assert str(act) == act.spec


@pytest.mark.parametrize("spec", NON_DEFAULT_SPECS)
def test_non_default_spec_round_trips(spec):
    act = actlab.get(spec)
    assert act != actlab.get(act.name)
    assert act.spec != act.name
    again = actlab.get(act.spec)
    assert again == act
    assert again.spec == act.spec


# ----- frozen dataclasses -----------------------------------------------------
@pytest.mark.parametrize("name", actlab.names())
def test_instances_are_frozen_dataclasses(name):
    act = actlab.get(name)
    assert dataclasses.is_dataclass(act)
    assert isinstance(act, Activation)
    field = next(iter(dataclasses.fields(act)), None)
    attr = field.name if field else "anything"
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(act, attr, 0.5)


@pytest.mark.parametrize("spec", NON_DEFAULT_SPECS)
def test_equal_parameters_mean_equal_and_same_hash(spec):
    a, b = actlab.get(spec), actlab.get(spec)
    assert a is not b
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b, actlab.get(a.spec)}) == 1


def test_different_parameters_are_unequal():
    assert actlab.get("elu", alpha=0.5) != actlab.get("elu", alpha=0.6)
    assert actlab.get("elu") != actlab.get("celu")
    assert len({actlab.get("elu", alpha=a) for a in (0.5, 0.6, 1.0)}) == 3


# ----- errors -----------------------------------------------------------------
def test_unknown_name_lists_close_matches_first():
    with pytest.raises(ActlabError) as excinfo:
        actlab.get("reluu")
    msg = _message(excinfo)
    assert "'reluu'" in msg
    assert "did you mean relu" in msg
    assert msg.index("did you mean") < msg.index("known:")
    for name in actlab.names(aliases=True):
        assert name in msg


def test_unknown_name_without_close_match_still_lists_choices():
    with pytest.raises(ActlabError) as excinfo:
        actlab.get("zzzzzzzz")
    msg = _message(excinfo)
    assert "did you mean" not in msg
    assert "known:" in msg and "relu" in msg


BAD_SPECS = {
    "misspelled-parameter": ("leaky_relu:alpah=0.1", ["'alpah'", "did you mean alpha"]),
    "parameter-on-parameterless": ("relu:alpha=1", ["relu", "'alpha'", "none"]),
    "not-a-number": ("elu:alpha=abc", ["alpha", "'abc'", "number"]),
    "nothing-after-colon": ("elu:", ["malformed", "'elu:'"]),
    "key-without-value": ("elu:alpha", ["malformed", "'alpha'", "key=value"]),
    "value-without-key": ("elu:=1", ["malformed", "'=1'", "key=value"]),
    "trailing-comma": ("elu:alpha=0.5,", ["malformed", "key=value"]),
    "leaky-alpha-2": ("leaky_relu:alpha=2", ["leaky_relu", "alpha", "[-1, 1]", "2"]),
    "celu-alpha-0": ("celu:alpha=0", ["celu", "alpha", "must lie in", "0"]),
    "softplus-beta-neg": (
        "softplus:beta=-1",
        ["softplus", "beta", "must lie in", "-1"],
    ),
    "silu-beta-0": ("silu:beta=0", ["silu", "beta", "must lie in", "0"]),
    "swish-beta-0": ("swish:beta=0", ["silu", "beta", "must lie in"]),
    "gelu-fast": ("gelu:approximate=fast", ["approximate", "'none'", "'tanh'", "fast"]),
    "polynomial-empty": ("polynomial:coefficients=[]", ["polynomial", "coefficients"]),
    "alpha-inf": ("elu:alpha=inf", ["alpha", "finite", "inf"]),
    "alpha-nan": ("elu:alpha=nan", ["alpha", "finite", "nan"]),
    "alpha-overflows": ("elu:alpha=1e400", ["alpha", "finite", "1e400"]),
    "coefficient-inf": ("polynomial:coefficients=[1,inf]", ["coefficients", "finite"]),
}


@pytest.mark.parametrize(
    ("spec", "fragments"), list(BAD_SPECS.values()), ids=list(BAD_SPECS)
)
def test_bad_spec_is_a_one_line_actlab_error(spec, fragments):
    with pytest.raises(ActlabError) as excinfo:
        actlab.get(spec)
    assert isinstance(excinfo.value, ValueError)
    msg = _message(excinfo)
    for fragment in fragments:
        assert fragment in msg


BAD_KEYWORDS = {
    "leaky-alpha-2": ("leaky_relu", {"alpha": 2}, ["alpha", "[-1, 1]"]),
    "celu-alpha-0": ("celu", {"alpha": 0}, ["alpha", "must lie in"]),
    "softplus-beta-neg": ("softplus", {"beta": -1}, ["beta", "must lie in"]),
    "silu-beta-0": ("silu", {"beta": 0.0}, ["beta", "must lie in"]),
    "gelu-fast": ("gelu", {"approximate": "fast"}, ["'none'", "'tanh'", "fast"]),
    "polynomial-empty": ("polynomial", {"coefficients": []}, ["coefficients"]),
    "alpha-inf": ("elu", {"alpha": float("inf")}, ["alpha", "finite"]),
    "alpha-nan": ("elu", {"alpha": float("nan")}, ["alpha", "finite"]),
    "alpha-text": ("elu", {"alpha": "abc"}, ["alpha", "'abc'"]),
    "alpha-none": ("elu", {"alpha": None}, ["alpha", "None"]),
    "misspelled": ("leaky_relu", {"alpah": 0.1}, ["'alpah'", "did you mean alpha"]),
}


@pytest.mark.parametrize(
    ("name", "params", "fragments"), list(BAD_KEYWORDS.values()), ids=list(BAD_KEYWORDS)
)
def test_bad_keyword_is_a_one_line_actlab_error(name, params, fragments):
    with pytest.raises(ActlabError) as excinfo:
        actlab.get(name, **params)
    msg = _message(excinfo)
    for fragment in fragments:
        assert fragment in msg


def test_empty_coefficients_message_names_the_real_problem():
    with pytest.raises(ActlabError) as excinfo:
        actlab.get("polynomial:coefficients=[]")
    assert "1 to 64 numbers" in _message(excinfo)


@pytest.mark.parametrize("alpha", ["abc", float("nan"), float("inf")])
def test_params_on_an_instance_are_validated_like_on_a_name(alpha):
    with pytest.raises(ActlabError):
        actlab.get(actlab.get("elu"), alpha=alpha)


@pytest.mark.parametrize("spec", [3, None, 1.5, ["relu"], b"relu"], ids=repr)
def test_non_string_spec_is_a_one_line_actlab_error(spec):
    with pytest.raises(ActlabError) as excinfo:
        actlab.get(spec)
    msg = _message(excinfo)
    assert repr(spec) in msg
    assert "name or spec string" in msg


# ----- registration -----------------------------------------------------------
def test_duplicate_name_is_refused_and_registry_unchanged():
    before = actlab.names(aliases=True)

    with pytest.raises(RuntimeError, match="'relu'"):

        @register
        @dataclass(frozen=True)
        class _DuplicateReLU(Activation):
            name = "relu"

    assert actlab.names(aliases=True) == before
    assert activation_class("relu").__name__ != "_DuplicateReLU"


def test_duplicate_alias_is_refused_and_nothing_is_half_registered():
    before = actlab.names(aliases=True)
    with pytest.raises(RuntimeError, match="'sigmoid'"):

        @register
        @dataclass(frozen=True)
        class _Clash(Activation):
            name = "test_registry_clash"
            aliases = ("sigmoid",)

    assert actlab.names(aliases=True) == before
    assert activation_class("sigmoid") is activation_class("logistic")


def test_alias_equal_to_an_existing_name_is_refused():
    with pytest.raises(RuntimeError, match="'tanh'"):

        @register
        @dataclass(frozen=True)
        class _Clash(Activation):
            name = "test_registry_clash2"
            aliases = ("tanh",)

    assert "test_registry_clash2" not in actlab.names()


def test_new_activation_registers_and_is_found_by_name_and_alias():
    name, alias = "test_registry_cube", "test_registry_cube_alias"
    try:

        @register
        @dataclass(frozen=True)
        class _Cube(Activation):
            name = "test_registry_cube"
            aliases = ("test_registry_cube_alias",)
            scale: float = 1.0

            def _f(self, z):
                return self.scale * z**3

        assert name in actlab.names()
        assert alias not in actlab.names()
        assert alias in actlab.names(aliases=True)
        act = actlab.get(f"{alias}:scale=2")
        assert type(act) is _Cube
        assert act.spec == f"{name}:scale=2.0"
        assert actlab.get(act.spec) == act
        with pytest.raises(RuntimeError):
            register(_Cube)
    finally:
        _registry._REGISTRY.pop(name, None)
        _registry._ALIASES.pop(alias, None)
    assert name not in actlab.names(aliases=True)
    assert alias not in actlab.names(aliases=True)
