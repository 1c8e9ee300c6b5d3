"""docs/lrsched-spec.schema.json against the shipped torch vectors (and a few bad specs).

The schema validates what JSON Schema can express; docs/spec.md states the rest (int vs
float literals, list lengths = number of param groups, milestones = children - 1, ...).
"""
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

HERE = Path(__file__).resolve().parent
SCHEMA_PATH = HERE / ".." / ".." / "docs" / "lrsched-spec.schema.json"
VECTORS = HERE / ".." / "Vectors" / "pytorch-2.15"

SCHEMA = json.loads(SCHEMA_PATH.read_text())
SPEC = Draft202012Validator(SCHEMA)


def validator_for(name):
    """A validator for one of the schema's $defs (its $refs resolve against the same $defs)."""
    return Draft202012Validator({"$ref": f"#/$defs/{name}", "$defs": SCHEMA["$defs"]})


CASE = validator_for("case")
TRAINING_CASE = validator_for("training_case")
SHOW_SPEC = validator_for("show_spec")


def load_cases(file):
    return json.loads((VECTORS / file).read_text())["cases"]


SCHEDULE_CASES = load_cases("schedules.json")
TRAINING_CASES = load_cases("training.json")
ERROR_CASES = load_cases("errors.json")


def walk(spec):
    """A spec and, depth first, every nested child spec."""
    yield spec
    for child in spec.get("schedulers", []) if isinstance(spec, dict) else []:
        yield from walk(child)


def problems(validator, instance):
    err = best_match(validator.iter_errors(instance))
    return None if err is None else f"{err.message} at {list(err.absolute_path)}"


def test_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_covers_every_type():
    types = SCHEMA["$defs"]["scheduler"]["properties"]["type"]["enum"]
    assert types and len(types) == len(set(types))
    assert [b["then"]["$ref"] for b in SCHEMA["$defs"]["scheduler"]["allOf"]] == [f"#/$defs/{t}" for t in types]
    for t in types:
        d = SCHEMA["$defs"][t]
        assert d["additionalProperties"] is False
        assert d["properties"]["type"] == {"const": t}


@pytest.mark.parametrize("case", SCHEDULE_CASES + TRAINING_CASES, ids=lambda c: c["name"])
def test_every_scheduler_spec_of_the_vectors_validates(case):
    for top in case["schedulers"]:
        for spec in walk(top):
            assert problems(SPEC, spec) is None, (case["name"], spec, problems(SPEC, spec))


@pytest.mark.parametrize("case", SCHEDULE_CASES, ids=lambda c: c["name"])
def test_every_schedules_case_validates(case):
    assert problems(CASE, case) is None


@pytest.mark.parametrize("case", TRAINING_CASES, ids=lambda c: c["name"])
def test_every_training_case_validates(case):
    assert problems(TRAINING_CASE, case) is None


def test_whole_vector_files_validate():
    schedules = json.loads((VECTORS / "schedules.json").read_text())
    training = json.loads((VECTORS / "training.json").read_text())
    assert problems(validator_for("schedules_file"), schedules) is None
    assert problems(validator_for("training_file"), training) is None


# The error vectors are invalid on purpose. These are the ones the schema already
# rejects (ranges and enums); docs/spec.md lists the others and why it cannot.
REJECTED_ERROR_CASES = {
    "error/LinearLR/start0", "error/LinearLR/start>1", "error/LinearLR/end<0",
    "error/ConstantLR/factor>1", "error/ConstantLR/factor<0",
    "error/Plateau/factor1", "error/Plateau/mode", "error/Plateau/threshold_mode",
    "error/WarmRestarts/T0", "error/WarmRestarts/Tmult",
    "error/OneCycleLR/total0", "error/OneCycleLR/nototal", "error/OneCycleLR/pct",
    "error/OneCycleLR/anneal", "error/CyclicLR/mode",
}


def test_the_error_vectors_the_schema_rejects():
    rejected = {c["name"] for c in ERROR_CASES
                if any(not SPEC.is_valid(s) for s in c["schedulers"])}
    assert rejected == REJECTED_ERROR_CASES
    # The case format itself is fine: only the scheduler specs are wrong.
    for c in ERROR_CASES:
        if c["name"] not in REJECTED_ERROR_CASES:
            assert problems(CASE, c) is None, c["name"]


VALID_SPECS = [
    {"type": "StepLR", "step_size": 4, "gamma": 0.9},
    {"type": "StepLR", "step_size": 4, "gamma": 1},  # an int where a float is expected
    {"type": "MultiStepLR", "milestones": []},
    {"type": "CyclicLR", "base_lr": [0.01, 0.02], "max_lr": 0.1, "step_size_up": 2.5,
     "step_size_down": None},
    {"type": "OneCycleLR", "max_lr": 0.1, "epochs": 2, "steps_per_epoch": 5, "total_steps": None},
    {"type": "ReduceLROnPlateau", "min_lr": [0.0, 0.1]},
    {"type": "LambdaLR", "lr_lambda": ["pow095", "halve_every_3"]},
    {"type": "ChainedScheduler", "schedulers": [
        {"type": "SequentialLR", "milestones": [3],
         "schedulers": [{"type": "ConstantLR"}, {"type": "ExponentialLR", "gamma": 0.9}]}]},
]


@pytest.mark.parametrize("spec", VALID_SPECS, ids=lambda s: s["type"])
def test_hand_written_valid_specs(spec):
    assert problems(SPEC, spec) is None


INVALID_SPECS = [
    ("unknown type", {"type": "WarmupLR", "warmup": 5}),
    ("no type", {"step_size": 4}),
    ("not an object", ["StepLR"]),
    ("unknown key", {"type": "StepLR", "step_size": 4, "gama": 0.9}),
    ("torch-only key", {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "scale_fn": None}),
    ("missing required", {"type": "ExponentialLR"}),
    ("string for a number", {"type": "ExponentialLR", "gamma": "0.9"}),
    ("string for an int", {"type": "StepLR", "step_size": "4"}),
    ("bool for a number", {"type": "StepLR", "step_size": 4, "gamma": True}),
    ("fractional int", {"type": "StepLR", "step_size": 2.5}),
    ("null for a number", {"type": "StepLR", "step_size": 4, "gamma": None}),
    ("unknown lr function", {"type": "LambdaLR", "lr_lambda": "cosine"}),
    ("empty per-group list", {"type": "OneCycleLR", "max_lr": [], "total_steps": 10}),
    ("unknown mode", {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "mode": "sawtooth"}),
    ("plateau child", {"type": "SequentialLR", "milestones": [],
                       "schedulers": [{"type": "ReduceLROnPlateau"}]}),
    ("bad nested child", {"type": "ChainedScheduler",
                          "schedulers": [{"type": "StepLR", "step_size": 4, "foo": 1}]}),
    ("no children", {"type": "ChainedScheduler", "schedulers": []}),
    ("epochs without steps_per_epoch", {"type": "OneCycleLR", "max_lr": 0.1, "epochs": 3}),
    ("last_epoch below -1", {"type": "StepLR", "step_size": 4, "last_epoch": -2}),
    ("ChainedScheduler takes no last_epoch", {"type": "ChainedScheduler", "last_epoch": -1,
                                              "schedulers": [{"type": "ConstantLR"}]}),
]


@pytest.mark.parametrize("label,spec", INVALID_SPECS, ids=[x[0] for x in INVALID_SPECS])
def test_hand_written_invalid_specs_are_rejected(label, spec):
    assert not SPEC.is_valid(spec), label


def test_error_messages_point_at_the_problem():
    err = best_match(SPEC.iter_errors({"type": "StepLR", "step_size": 4, "gama": 0.9}))
    assert "'gama' was unexpected" in err.message
    err = best_match(SPEC.iter_errors({"type": "ExponentialLR", "gamma": "0.9"}))
    assert list(err.absolute_path) == ["gamma"] and "not of type 'number'" in err.message


def test_invalid_optimizers_and_cases_are_rejected():
    ok = {"optimizer": {"lr": 0.1}, "schedulers": [{"type": "ConstantLR"}], "steps": 3}
    assert CASE.is_valid(ok)
    for bad in [
        {**ok, "optimizer": {"lr": 0.1, "groups": []}},
        {**ok, "optimizer": {"lr": 0.1, "groups": [{"lr": 0.1, "initial_lr": 0.1}]}},
        {**ok, "optimizer": {"lr": -0.1}},
        {**ok, "optimizer": {"lr": 0.1, "betas": [0.9]}},
        {**ok, "optimizer": {"lr": 0.1, "nesterov": "yes"}},
        {**ok, "steps": -1},
        {**ok, "metrics": ["nan"]},
        {**ok, "error": "OverflowError"},
        {**ok, "stpes": 3},
        {"optimizer": {"lr": 0.1}, "schedulers": [{"type": "ConstantLR"}]},
    ]:
        assert not CASE.is_valid(bad), bad


def test_show_spec_forms():
    assert SHOW_SPEC.is_valid({"type": "StepLR", "step_size": 4})
    assert SHOW_SPEC.is_valid([{"type": "StepLR", "step_size": 4}, {"type": "ConstantLR"}])
    assert SHOW_SPEC.is_valid({"schedulers": [{"type": "ConstantLR"}]})
    assert not SHOW_SPEC.is_valid({"schedulers": []})
    assert not SHOW_SPEC.is_valid([])


def test_training_extras():
    case = json.loads(json.dumps(TRAINING_CASES[-1]))
    assert TRAINING_CASE.is_valid(case)
    for key, value in [("step_scheduler", "step"), ("batch_size", 0),
                       ("model", [{"type": "Conv2d"}]), ("model", []),
                       ("model", [{"type": "Linear", "in": 4}]),
                       ("model", [{"type": "ReLU", "inplace": True}]),
                       ("sgd", {"lr": 0.1, "groups": [{}]}), ("sgd", {"lr": 0.1, "betas": [0.9, 0.99]})]:
        bad = {**case, key: value}
        assert not TRAINING_CASE.is_valid(bad), (key, value)


def test_every_added_groups_case_validates():
    """added-groups.json: schedule and error cases with an add_group."""
    for case in load_cases("added-groups.json"):
        assert "add_group" in case
        assert problems(CASE, case) is None, (case["name"], problems(CASE, case))
