"""The tutorial's handwriting-recognition example, run with logreg."""

from __future__ import annotations

import sys


def run_digits_demo(out=sys.stdout, plot_path=None) -> dict:
    """Fit the tutorial's model on the digits data and print its evaluation.

    Same steps as the tutorial: 80/20 split with ``random_state=0``,
    standardization fitted on the training part, and
    ``LogisticRegression(solver="liblinear", C=0.05, multi_class="ovr",
    random_state=0)``. Returns the figures it printed.

    Parameters
    ----------
    out : file-like, default=sys.stdout
        Where to print.
    plot_path : str or os.PathLike, optional
        Where to save the tutorial's confusion-matrix heatmap as a PNG
        (none is drawn when None). matplotlib's ``Figure`` is used without
        ``pyplot``, so no display is needed.
    """
    from sklearn.datasets import load_digits
    from sklearn.metrics import classification_report, confusion_matrix
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    from .estimator import LogisticRegression

    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=0)
    scaler = StandardScaler()
    x_train = scaler.fit_transform(x_train)
    x_test = scaler.transform(x_test)
    model = LogisticRegression(solver="liblinear", C=0.05, multi_class="ovr", random_state=0)
    model.fit(x_train, y_train)
    y_pred = model.predict(x_test)
    figures = {
        "train_accuracy": model.score(x_train, y_train),
        "test_accuracy": model.score(x_test, y_test),
        "confusion_matrix": confusion_matrix(y_test, y_pred),
        "report": classification_report(y_test, y_pred),
    }
    print("Handwritten digits: logreg.LogisticRegression(solver='liblinear', C=0.05, multi_class='ovr')", file=out)
    print(f"training accuracy: {figures['train_accuracy']:.4f}", file=out)
    print(f"test accuracy:     {figures['test_accuracy']:.4f}", file=out)
    print("confusion matrix (test set):", file=out)
    print(figures["confusion_matrix"], file=out)
    print("classification report (test set):", file=out)
    print(figures["report"], file=out)
    if plot_path is not None:
        save_confusion_heatmap(y_test, y_pred, plot_path)
        print(f"confusion-matrix heatmap written to {plot_path}", file=out)
    return figures


def save_confusion_heatmap(y_test, y_pred, path) -> None:
    """The tutorial's 8 x 8 inch heatmap of the confusion matrix, with the counts, as a PNG."""
    from matplotlib.figure import Figure

    from .plot import plot_confusion_matrix

    fig = Figure(figsize=(8, 8), layout="constrained")
    ax = fig.subplots()
    plot_confusion_matrix(y_test, y_pred, ax=ax)
    ax.set_title("Handwritten digits: confusion matrix (test set)")
    fig.savefig(path, format="png", dpi=100)
