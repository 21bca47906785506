"""The seed's results, reproduced over 5 seeds with ``actlab demo``'s
defaults, on held-out data drawn from the same recipe."""

from __future__ import annotations

import numpy as np
import pytest

from actlab import ActlabError, demo
from actlab.cli import main

SEEDS = range(5)


@pytest.mark.parametrize("seed", SEEDS)
def test_xor_needs_a_hidden_layer(seed):
    assert demo.run("xor", hidden=0, random_state=seed).test_score <= 0.80
    assert demo.run("xor", random_state=seed).test_score >= 0.97


@pytest.mark.parametrize("seed", SEEDS)
def test_ring_with_four_logistic_units(seed):
    assert demo.run("ring", random_state=seed).test_score >= 0.93


@pytest.mark.parametrize("problem", ["sin", "abs"])
@pytest.mark.parametrize("seed", SEEDS)
def test_curves_reach_the_noise_ceiling(problem, seed):
    result = demo.run(problem, random_state=seed)
    assert result.test_score >= result.noise_ceiling - 0.03


def test_and_or_without_hidden_layer():
    for problem in ("and", "or"):
        assert demo.run(problem, hidden=0).test_score >= 0.97


def test_curves_and_snapshots_follow_the_passes():
    result = demo.run("xor", keep_snapshots=True, max_iter=7)
    assert len(result.snapshots) == len(result.test_loss_curve) == 7
    assert len(result.model.loss_curve_) == 7
    assert np.array_equal(result.snapshots[-1], result.model.network_.theta)


def test_demo_command_writes_the_figure_and_the_gif(tmp_path, capsys):
    png, gif = tmp_path / "sin.png", tmp_path / "sin.gif"
    code = main(
        [
            "demo",
            "sin",
            "--epochs",
            "30",
            "-o",
            str(png),
            "--animate",
            str(gif),
            "--frames",
            "4",
        ]
    )
    assert code == 0 and "noise ceiling" in capsys.readouterr().out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(gif) as image:
        assert image.format == "GIF" and image.n_frames == 4


def test_demo_bad_input(capsys):
    assert main(["demo", "spiral"]) == 2
    assert "unknown demo problem 'spiral'" in capsys.readouterr().err
    assert main(["demo", "xor", "--animate", "x.mp4"]) == 2
    with pytest.raises(ActlabError, match="0 to 1000"):
        demo.run("xor", hidden=-1)
