"""plot_activations draws Figure 1 (functions left, derivatives right)."""

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

import actlab
from actlab.errors import ActlabError
from actlab.plotting import plot_activations, save_figure


@pytest.fixture(autouse=True)
def _fp_errors_raise():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        yield


def _solid(panel):
    return [line for line in panel.lines if line.get_linestyle() == "-"]


def _dashed(panel):
    return [line for line in panel.lines if line.get_linestyle() == "--"]


def _by_label(panel, label):
    (line,) = [line for line in _solid(panel) if line.get_label() == label]
    return line


def test_default_is_identity_logistic_tanh_in_red_blue_green():
    axes = plot_activations()
    assert len(axes) == 2
    left, right = axes
    for panel in (left, right):
        assert [line.get_label() for line in panel.lines] == [
            "identity",
            "logistic",
            "tanh",
        ]
        colours = [to_rgb(line.get_color()) for line in panel.lines]
        assert colours == [to_rgb("red"), to_rgb("blue"), to_rgb("green")]
    assert left.get_title() == "Activation functions g(z)"
    assert right.get_title() == "Derivatives g'(z)"
    assert left.get_xlabel() == right.get_xlabel() == "z"
    assert left.get_legend() is not None and right.get_legend() is not None
    assert left.figure is right.figure


def test_left_panel_holds_the_functions():
    left, _ = plot_activations()
    z, a = _by_label(left, "logistic").get_data()
    np.testing.assert_allclose(a, 1 / (1 + np.exp(-z)), rtol=1e-12)
    z, a = _by_label(left, "identity").get_data()
    np.testing.assert_array_equal(a, z)


def test_right_panel_holds_the_derivatives():
    _, right = plot_activations()
    assert np.max(_by_label(right, "logistic").get_ydata()) == pytest.approx(
        0.25, abs=1e-9
    )
    assert np.max(_by_label(right, "tanh").get_ydata()) == pytest.approx(1, abs=1e-9)
    np.testing.assert_array_equal(_by_label(right, "identity").get_ydata(), 1.0)


def test_further_activations_take_the_next_distinct_colours():
    specs = ["identity", "logistic", "tanh", "relu", "silu", "elu:alpha=0.5"]
    left, _ = plot_activations(specs)
    colours = [to_rgb(line.get_color()) for line in left.lines]
    assert len(set(colours)) == len(specs)
    assert colours[3:] == [to_rgb(c) for c in ("tab:orange", "tab:purple", "tab:brown")]
    assert [line.get_label() for line in left.lines][-1] == "elu:alpha=0.5"


def test_accepts_activation_objects_and_colors():
    act = actlab.get("leaky_relu", alpha=0.2)
    left, _ = plot_activations([act], colors=["black"])
    (line,) = left.lines
    assert line.get_label() == "leaky_relu:alpha=0.2"
    assert to_rgb(line.get_color()) == to_rgb("black")


def test_output_form_dashes_only_activations_that_have_one():
    assert actlab.get("tanh").has_output_form
    assert not actlab.get("silu").has_output_form
    left, right = plot_activations(["tanh", "silu"], output_form=True)
    (dashed,) = _dashed(right)
    assert len(_solid(right)) == 2 and not _dashed(left)
    tanh = _by_label(right, "tanh")
    assert dashed.get_color() == tanh.get_color()
    np.testing.assert_allclose(dashed.get_ydata(), tanh.get_ydata(), atol=1e-12)


def test_output_form_off_draws_no_dashed_lines():
    _, right = plot_activations(output_form=False)
    assert not _dashed(right)


def test_draws_into_given_axes_and_returns_them():
    fig = Figure()
    given = fig.subplots(1, 2)
    axes = plot_activations(["relu"], ax=given)
    assert axes[0] is given[0] and axes[1] is given[1]
    assert len(given[0].lines) == len(given[1].lines) == 1


def test_honours_z_range_and_n():
    left, right = plot_activations(["tanh"], z_range=(-2, 3), n=11)
    for panel in (left, right):
        x = panel.lines[0].get_xdata()
        assert (x.min(), x.max(), x.size) == (-2.0, 3.0, 11)
        assert panel.get_xlim() == (-2.0, 3.0)


@pytest.mark.parametrize(
    "z_range",
    [(1, 1), (2, -2), (0, float("inf")), (float("nan"), 1), (1,), "ab", None],
    ids=repr,
)
def test_bad_z_range_raises(z_range):
    with pytest.raises(ActlabError, match="z_range"):
        plot_activations(z_range=z_range)


def test_empty_activations_and_unknown_name_raise():
    with pytest.raises(ActlabError, match="no activations"):
        plot_activations([])
    with pytest.raises(ActlabError, match="unknown activation"):
        plot_activations(["tanhh"])


def test_softmax_is_plotted_as_the_two_class_case():
    left, right = plot_activations(["softmax"], output_form=True)
    z, s = left.lines[0].get_data()
    np.testing.assert_allclose(s, 1 / (1 + np.exp(-z)), rtol=1e-12)
    (solid,) = _solid(right)
    (dashed,) = _dashed(right)
    np.testing.assert_allclose(solid.get_ydata(), s * (1 - s), rtol=1e-12)
    np.testing.assert_allclose(dashed.get_ydata(), s * (1 - s), rtol=1e-12)


@pytest.mark.parametrize("name", actlab.names())
def test_every_registered_activation_plots_finite_curves(name):
    left, right = plot_activations([name], output_form=True)
    for line in (*left.lines, *right.lines):
        assert np.all(np.isfinite(line.get_ydata()))
    expected = 2 if actlab.get(name).has_output_form else 1
    assert len(right.lines) == expected


@pytest.mark.parametrize(
    ("suffix", "magic"),
    [(".png", b"\x89PNG\r\n\x1a\n"), (".PDF", b"%PDF"), (".svg", None)],
)
def test_save_figure_writes_each_format(tmp_path, suffix, magic):
    fig = plot_activations()[0].figure
    path = tmp_path / "nested" / "dir" / f"figure1{suffix}"
    assert save_figure(fig, path) == path
    data = path.read_bytes()
    assert data
    if magic is None:
        assert b"<svg" in data
    else:
        assert data.startswith(magic)


def test_save_figure_rejects_other_formats(tmp_path):
    fig = plot_activations()[0].figure
    message = r"unsupported figure format '\.jpg' \(use \.png, \.svg or \.pdf\)"
    with pytest.raises(ActlabError, match=message):
        save_figure(fig, tmp_path / "figure1.jpg")
    assert not (tmp_path / "figure1.jpg").exists()
