"""Training the event classifier on a user's own labelled data (`eventwire train events`).

    from eventwire.classify.training import Columns, TrainingOptions, train_events
    run = train_events(["labelled.csv"], Columns(text=("notes",), label=("sub_event_type",)),
                       options=TrainingOptions(folds=5, seed=13))
    save_model(run.model, "model.bin", run.metadata())      # eventwire.classify.model
"""
from .data import Columns, DataError, Example, RowProblem, read_labelled
from .fitting import FEATURES, CVResult, TrainingOptions, cross_validate, make_estimator, train
from .labels import OLD_ACLED_TYPES, LabelRules, assign_classes
from .run import TrainingRun, train_events

__all__ = ["Columns", "CVResult", "DataError", "Example", "FEATURES", "LabelRules", "OLD_ACLED_TYPES",
           "RowProblem", "TrainingOptions", "TrainingRun", "assign_classes", "cross_validate",
           "make_estimator", "read_labelled", "train", "train_events"]
