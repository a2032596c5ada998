"""The journal actions classify writes: the `action` of its entries."""

from enum import StrEnum


class ClassifyAction(StrEnum):
    TRAIN = "classify.train"  # a model trained: its size, date, accuracy, hash
    RETIRE = "classify.retire"  # a model taken out of use (replaced, or trained on erased cases)
    ACCEPT = "classify.accept"  # a person took a suggestion
    CORRECT = "classify.correct"  # a person chose another value than the suggestion
    SETTING = "classify.setting"  # an administrator turned applying without a person on or off
    AUTO_APPLY = "classify.auto_apply"  # the worker applied a suggestion (only where turned on)
