"""Statistical inference on fitted models: covariances, results, summaries.

Everything here works from the core's loss (one formula for the Hessian in
the code base) and plain arrays; the statsmodels-style front-end is
``logreg.models``.
"""
