#!/usr/bin/python3
"""scikit-learn's side of bench/models.sh: fits LogisticRegression and HistGradientBoostingClassifier on
train.csv, scores test.csv, and prints one line per model: name, AUC, fit seconds, score seconds.

usage: sklearn_side.py TRAIN.csv TEST.csv TARGET [CATEGORICAL,COLUMNS] [IGNORED,COLUMNS]
Categorical columns (and any column with a non-numeric value) are one-hot encoded for the logistic
regression and ordinal-encoded as native categories for the boosted trees; empty cells are missing.
"""
import csv
import sys
import time

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

MISSING = {"", "NA", "NaN", "nan", "null", "NULL"}


def read(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def is_number(v):
    try:
        float(v)
        return True
    except ValueError:
        return False


def main():
    train_path, test_path, target = sys.argv[1:4]
    forced = set(filter(None, (sys.argv[4] if len(sys.argv) > 4 else "").split(",")))
    ignored = set(filter(None, (sys.argv[5] if len(sys.argv) > 5 else "").split(",")))
    header, train = read(train_path)
    header2, test = read(test_path)
    assert header == header2, "train and test headers differ"
    t = header.index(target)
    features = [i for i, name in enumerate(header) if i != t and name not in ignored]
    categorical = [i for i in features if header[i] in forced
                   or any(r[i] not in MISSING and not is_number(r[i]) for r in train)]
    numeric = [i for i in features if i not in categorical]

    def matrices(rows):
        num = np.array([[float(r[i]) if r[i] not in MISSING else np.nan for i in numeric] for r in rows], dtype=float)
        cat = np.array([[r[i] if r[i] not in MISSING else "__missing__" for i in categorical] for r in rows], dtype=object)
        y = np.array([1 if r[t] in ("1", "true", "True", "yes", "Yes") else 0 for r in rows])
        return num, cat, y

    num_tr, cat_tr, y_tr = matrices(train)
    num_te, cat_te, y_te = matrices(test)
    n_num, n_cat = num_tr.shape[1], cat_tr.shape[1]
    x_tr = np.concatenate([num_tr.astype(object), cat_tr], axis=1)
    x_te = np.concatenate([num_te.astype(object), cat_te], axis=1)
    num_idx = list(range(n_num))
    cat_idx = list(range(n_num, n_num + n_cat))

    logistic = make_pipeline(
        ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), num_idx),
            ("cat", OneHotEncoder(handle_unknown="ignore"), cat_idx),
        ]),
        LogisticRegression(max_iter=2000),
    )
    ordinal = ColumnTransformer([
        ("num", "passthrough", num_idx),
        ("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan, encoded_missing_value=np.nan), cat_idx),
    ])
    mask = [False] * n_num + [True] * n_cat
    boosted = make_pipeline(ordinal, HistGradientBoostingClassifier(categorical_features=mask, random_state=0))

    for name, model in (("logistic", logistic), ("gbdt", boosted)):
        x_fit = x_tr if name == "logistic" else x_tr
        start = time.perf_counter()
        model.fit(x_fit, y_tr)
        fit = time.perf_counter() - start
        start = time.perf_counter()
        p = model.predict_proba(x_te)[:, 1]
        score = time.perf_counter() - start
        print(f"sklearn {name} auc={roc_auc_score(y_te, p):.4f} fit={fit:.3f} score={score:.3f}")


if __name__ == "__main__":
    main()
