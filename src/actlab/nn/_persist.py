"""Saving and loading estimators in a safe format: arrays plus JSON metadata.

A model file is a zip holding ``metadata.json`` (format version, class,
parameters, layer activations as spec strings, learned attributes) and
``arrays.npz`` (weights and biases, loaded with ``allow_pickle=False``), with
the SHA-256 of the arrays in the metadata. Loading never runs code: no pickle
on this path; activations are rebuilt through the registry.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .._version import __version__
from ..activations import get
from ..errors import ActlabError
from ._network import Dense, Network

FORMAT = "actlab-model"
FORMAT_VERSION = 2  # 2: the checksum covers the metadata too
#: How a classifier maps labels to outputs (saved with the model).
ENCODING = ("multilabel", "columns", "neg", "pos", "out_loss")


def save(model, path) -> Path:
    """Write a fitted estimator to ``path`` (conventionally ``.actlab``)."""
    net = getattr(model, "network_", None)
    if net is None:
        raise ActlabError("this model is not fitted yet: call fit before save")
    arrays = {}
    for i, layer in enumerate(net.layers):
        arrays[f"w{i}"], arrays[f"b{i}"] = layer.weights, layer.bias
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    blob = buffer.getvalue()
    classes = getattr(model, "classes_", None)
    params = model.get_params()
    params["callbacks"] = None  # code, not data: a loaded model has none
    names = getattr(model, "feature_names_in_", None)
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "actlab_version": __version__,
        "estimator": type(model).__name__,
        "params": _jsonable(params),
        "activations": [layer.activation.spec for layer in net.layers],
        "loss": net.loss.name,
        "dtype": net.dtype.name,
        "n_features_in": int(model.n_features_in_),
        "classes": None if classes is None else [_jsonable(c) for c in classes],
        "single_output": getattr(model, "_single_output", None),
        "encoding": {
            k: _jsonable(getattr(model, "_" + k))
            for k in ENCODING
            if hasattr(model, "_" + k)
        },
        "feature_names_in": None if names is None else [str(n) for n in names],
        "validation_loss_curve": [float(v) for v in model.validation_loss_curve_],
        "validation_scores": [float(v) for v in model.validation_scores_],
        "preprocessing": _jsonable(getattr(model, "preprocessing_", None)),
        "loss_curve": [float(v) for v in model.loss_curve_],
        "n_iter": int(model.n_iter_),
        "best_loss": float(model.best_loss_),
    }
    meta["sha256"] = _digest(meta, blob)
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("metadata.json", json.dumps(meta, indent=1))
        zf.writestr("arrays.npz", blob)
    return path


def load(path):
    """Read a model written by ``save``; a truncated, tampered or foreign file
    gives a one-line ActlabError."""

    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            meta = json.loads(zf.read("metadata.json"))
            blob = zf.read("arrays.npz")
    except FileNotFoundError:
        raise ActlabError(f"no such model file: {path}") from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
        json.JSONDecodeError,
        UnicodeDecodeError,
        EOFError,
        OSError,
    ):
        raise ActlabError(
            f"{path} is not an actlab model file (or it is truncated)"
        ) from None
    if meta.get("format") != FORMAT:
        raise ActlabError(f"{path} is not an actlab model file")
    if meta.get("format_version") != FORMAT_VERSION:
        raise ActlabError(
            f"{path} has model format {meta.get('format_version')}; this actlab "
            f"reads format {FORMAT_VERSION}"
        )
    if not isinstance(meta, dict) or _digest(meta, blob) != meta.get("sha256"):
        raise ActlabError(f"{path} has been modified or damaged: its checksum fails")
    try:
        return _rebuild(meta, blob)
    except ActlabError as exc:
        raise ActlabError(f"{path} cannot be loaded: {exc}") from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, OSError):
        raise ActlabError(f"{path} is damaged: its contents are inconsistent") from None


def _digest(meta: dict, blob: bytes) -> str:
    """SHA-256 of the metadata (all but this digest) and the arrays."""
    text = json.dumps({k: v for k, v in meta.items() if k != "sha256"}, sort_keys=True)
    return hashlib.sha256(text.encode() + blob).hexdigest()


def _rebuild(meta: dict, blob: bytes):
    from ._estimators import MLPClassifier, MLPRegressor

    classes = {"MLPClassifier": MLPClassifier, "MLPRegressor": MLPRegressor}
    if meta.get("estimator") not in classes:
        raise ActlabError(f"unknown estimator {meta.get('estimator')!r}")
    model = classes[meta["estimator"]](**_plain(meta["params"]))
    with np.load(io.BytesIO(blob), allow_pickle=False) as arrays:
        layers = [
            Dense(arrays[f"w{i}"], arrays[f"b{i}"], get(spec))
            for i, spec in enumerate(meta["activations"])
        ]
    width = meta["n_features_in"]
    for layer in layers:  # the shapes must chain
        if layer.weights.shape != (width, layer.bias.shape[0]):
            raise ActlabError("its layer shapes do not chain")
        width = layer.bias.shape[0]
    model.network_ = Network.from_layers(layers, loss=meta["loss"], dtype=meta["dtype"])
    model.n_features_in_ = meta["n_features_in"]
    model.loss_curve_, model.n_iter_ = meta["loss_curve"], meta["n_iter"]
    model.best_loss_ = meta["best_loss"]
    if meta["classes"] is not None:
        model.classes_ = np.array(meta["classes"])
    if meta["single_output"] is not None:
        model._single_output = meta["single_output"]
    for key, value in meta.get("encoding", {}).items():
        if key in ENCODING:
            setattr(model, "_" + key, value)
    if "out_loss" in meta.get("encoding", {}):
        model._out_act = layers[-1].activation
    if meta.get("feature_names_in") is not None:
        model.feature_names_in_ = np.array(meta["feature_names_in"], dtype=object)
    model.validation_loss_curve_ = meta.get("validation_loss_curve", [])
    model.validation_scores_ = meta.get("validation_scores", [])
    if meta.get("preprocessing") is not None:
        model.preprocessing_ = _plain(meta["preprocessing"])
    return model


def _plain(value):
    """Inverse of ``_jsonable``."""
    if isinstance(value, dict):
        if set(value) == {"__tuple__"}:
            return tuple(_plain(v) for v in value["__tuple__"])
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, tuple):  # kept apart from lists: params round-trip
        return {"__tuple__": [_jsonable(v) for v in value]}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "spec"):  # an Activation
        return value.spec
    raise ActlabError(f"cannot save the parameter value {value!r} (not plain data)")
