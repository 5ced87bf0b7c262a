#!/usr/bin/python3
"""scikit-learn's side of bench/uplift.sh: two-model and class transformation over HistGradientBoostingClassifier
("gbdt") and LogisticRegression ("logistic"), trained on TRAIN.csv and scored on TEST.csv. Writes one score file per
approach and classifier, OUT_DIR/sklearn-APPROACH-CLASSIFIER.csv (id, uplift; the test file's row order), and prints
one line each: sklearn APPROACH CLASSIFIER fit+score=SECONDS (in-process, reading the files excluded).

usage: sklearn_side.py TRAIN.csv TEST.csv TREATMENT TARGET ID OUT_DIR [CATEGORICAL,COLUMNS] [IGNORED,COLUMNS]

- two-model: one classifier on the treated rows, one on the control rows; uplift = P(y | treated) − P(y | control).
- class transformation: z = 1 for a treated responder or a control non-responder; uplift = 2·P(z = 1 | x) − 1. With
  unequal arms every row is weighted N / (2 · its arm's rows), so that the arms weigh equally (ours tops the smaller
  arm up by drawing rows with replacement instead: the same in expectation). CT_BALANCE=topup does what ours does
  (numpy's default_rng(0) draws), CT_BALANCE=none neither, to see what the correction alone changes.
- REACH=COLUMN (as ours with --reach): rows whose COLUMN is 0 (the treatment could not reach them) are left out of every
  fit and get uplift 0; the column stays a feature.
- Preprocessing as bench/models/sklearn_side.py: categorical columns (named, or with a non-numeric value) one-hot
  for the logistic regression and native categories for the boosted trees; numeric columns imputed and scaled for
  the logistic regression. Library defaults otherwise (random_state 0).
"""
import csv
import os
import sys
import time

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

MISSING = {"", "NA", "NaN", "nan", "null", "NULL"}
TRUE = {"1", "true", "True", "TRUE", "yes", "Yes"}


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


def classifier(name, n_num, n_cat):
    num_idx, cat_idx = list(range(n_num)), list(range(n_num, n_num + n_cat))
    if name == "logistic":
        return make_pipeline(
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
    return make_pipeline(ordinal, HistGradientBoostingClassifier(categorical_features=mask, random_state=0))


def fit(model, x, y, weight=None):
    if weight is None:
        return model.fit(x, y)
    return model.fit(x, y, **{model.steps[-1][0] + "__sample_weight": weight})


def main():
    train_path, test_path, treatment, target, id_col, out_dir = sys.argv[1:7]
    forced = set(filter(None, (sys.argv[7] if len(sys.argv) > 7 else "").split(",")))
    ignored = set(filter(None, (sys.argv[8] if len(sys.argv) > 8 else "").split(",")))
    header, train = read(train_path)
    header2, test = read(test_path)
    assert header == header2, "train and test headers differ"
    t, y, ident = header.index(treatment), header.index(target), header.index(id_col)
    features = [i for i, name in enumerate(header) if i not in (t, y, ident) and name not in ignored]
    categorical = [i for i in features if header[i] in forced
                   or any(r[i] not in MISSING and not is_number(r[i]) for r in train)]
    numeric = [i for i in features if i not in categorical]

    def matrix(rows):
        num = np.array([[float(r[i]) if r[i] not in MISSING else np.nan for i in numeric] for r in rows], dtype=float)
        cat = np.array([[r[i] if r[i] not in MISSING else "__missing__" for i in categorical] for r in rows], dtype=object)
        return np.concatenate([num.astype(object), cat], axis=1)

    x_tr, x_te = matrix(train), matrix(test)
    t_tr = np.array([r[t] in TRUE for r in train])
    y_tr = np.array([1 if r[y] in TRUE else 0 for r in train])
    ids = [r[ident] for r in test]
    reach = os.environ.get("REACH", "")
    if reach:
        k = header.index(reach)
        keep = np.array([r[k] not in MISSING and float(r[k]) != 0 for r in train])
        x_tr, t_tr, y_tr = x_tr[keep], t_tr[keep], y_tr[keep]
        gate = np.array([0.0 if r[k] not in MISSING and float(r[k]) == 0 else 1.0 for r in test])
    else:
        gate = np.ones(len(test))
    n_num, n_cat = len(numeric), len(categorical)
    # One small untimed fit of each first, so that no timed fit pays for starting OpenMP's threads.
    for name in ("gbdt", "logistic"):
        fit(classifier(name, n_num, n_cat), x_tr[:500], y_tr[:500])

    for name in ("gbdt", "logistic"):
        start = time.perf_counter()
        treated = fit(classifier(name, n_num, n_cat), x_tr[t_tr], y_tr[t_tr])
        control = fit(classifier(name, n_num, n_cat), x_tr[~t_tr], y_tr[~t_tr])
        uplift = gate * (treated.predict_proba(x_te)[:, 1] - control.predict_proba(x_te)[:, 1])
        write(out_dir, "two-model", name, id_col, ids, uplift, time.perf_counter() - start)

        start = time.perf_counter()
        z = np.where(t_tr, y_tr, 1 - y_tr)
        n, n_t = len(t_tr), int(t_tr.sum())
        balance = os.environ.get("CT_BALANCE", "weights")
        if balance == "topup":
            smaller = np.flatnonzero(~t_tr if n_t >= n - n_t else t_tr)
            extra = np.random.default_rng(0).choice(smaller, size=abs(2 * n_t - n), replace=True)
            rows = np.concatenate([np.arange(n), extra])
            model = fit(classifier(name, n_num, n_cat), x_tr[rows], z[rows])
        elif balance == "none":
            model = fit(classifier(name, n_num, n_cat), x_tr, z)
        else:
            model = fit(classifier(name, n_num, n_cat), x_tr, z, np.where(t_tr, n / (2 * n_t), n / (2 * (n - n_t))))
        uplift = gate * (2 * model.predict_proba(x_te)[:, 1] - 1)
        write(out_dir, "class-transform", name, id_col, ids, uplift, time.perf_counter() - start)


def write(out_dir, approach, name, id_col, ids, uplift, seconds):
    path = os.path.join(out_dir, f"sklearn-{approach}-{name}.csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([id_col, "uplift"])
        for i, u in zip(ids, uplift):
            w.writerow([i, repr(float(u))])
    print(f"sklearn {approach} {name} fit+score={seconds:.3f}", flush=True)


if __name__ == "__main__":
    main()
