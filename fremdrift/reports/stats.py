"""The statistics of the group reports, as plain functions of numbers, so that each can be
checked against an independent computation."""

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

Z95 = 1.959963984540054


@dataclass(frozen=True)
class PairedChange:
    """Baseline against follow-up for the citizens who have both."""

    n: int
    baseline_mean: float
    followup_mean: float
    mean_change: float
    ci_low: float
    ci_high: float
    effect_size: float | None  # mean change over the standard deviation of change
    wilcoxon_p: float | None
    up: int
    same: int
    down: int


def paired_change(baseline, followup) -> PairedChange | None:
    """Mean change with a t-based 95 % interval, effect size, a two-sided Wilcoxon
    signed-rank test (zero differences dropped, as Wilcoxon did) and who went up, stayed or
    went down. None without at least two pairs."""
    x = np.asarray(baseline, dtype=float)
    y = np.asarray(followup, dtype=float)
    n = len(x)
    if n < 2:
        return None
    change = y - x
    mean = float(change.mean())
    sd = float(change.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)) if sd > 0 else 0.0
    p = None
    if np.any(change != 0):
        p = float(stats.wilcoxon(change, zero_method="wilcox", alternative="two-sided").pvalue)
    return PairedChange(
        n=n,
        baseline_mean=float(x.mean()),
        followup_mean=float(y.mean()),
        mean_change=mean,
        ci_low=mean - half,
        ci_high=mean + half,
        effect_size=mean / sd if sd > 0 else None,
        wilcoxon_p=p,
        up=int((change > 0).sum()),
        same=int((change == 0).sum()),
        down=int((change < 0).sum()),
    )


def cronbach_alpha(scores) -> float | None:
    """Cronbach's alpha of a citizens × items matrix (complete rows only):
    k/(k-1) · (1 − Σ item variances / variance of the total)."""
    m = np.asarray(scores, dtype=float)
    if m.ndim != 2 or m.shape[0] < 2 or m.shape[1] < 2:
        return None
    k = m.shape[1]
    total_var = m.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return None
    return float(k / (k - 1) * (1 - m.var(axis=0, ddof=1).sum() / total_var))


@dataclass(frozen=True)
class ReliableChange:
    reliability: float
    standard_error_of_difference: float
    improved: int
    unchanged: int
    worse: int


def reliable_change(baseline, followup, *, reliability: float) -> ReliableChange | None:
    """Jacobson and Truax (1991): RCI = (x2 − x1) / S_diff with S_diff = √2 · SE and
    SE = SD(baseline) · √(1 − r); |RCI| > 1.96 is a reliable change."""
    x = np.asarray(baseline, dtype=float)
    y = np.asarray(followup, dtype=float)
    if len(x) < 2 or not 0 < reliability < 1:
        return None
    se = float(x.std(ddof=1) * math.sqrt(1 - reliability))
    s_diff = math.sqrt(2) * se
    if s_diff == 0:
        return None
    rci = (y - x) / s_diff
    return ReliableChange(
        reliability=reliability,
        standard_error_of_difference=s_diff,
        improved=int((rci > Z95).sum()),
        unchanged=int((np.abs(rci) <= Z95).sum()),
        worse=int((rci < -Z95).sum()),
    )


def mean_interval(values) -> tuple[float, float, float] | None:
    """Mean with its t-based 95 % interval."""
    v = np.asarray(values, dtype=float)
    if len(v) < 2:
        return None
    mean = float(v.mean())
    half = float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v)))
    return mean, mean - half, mean + half


def proportion_interval(successes: int, n: int) -> tuple[float, float, float] | None:
    """A share with its Wilson 95 % interval."""
    if n == 0:
        return None
    p = successes / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return p, max(0.0, centre - half), min(1.0, centre + half)


def weighted_kappa(a, b, categories, *, weights: str = "linear") -> float | None:
    """Cohen's weighted kappa of two raters over ordered categories:
    1 − Σ w·observed / Σ w·expected, with w = |i − j| (linear) or (i − j)² (quadratic)."""
    cats = list(categories)
    index = {c: i for i, c in enumerate(cats)}
    k = len(cats)
    if k < 2 or len(a) == 0:
        return None
    observed = np.zeros((k, k))
    for x, y in zip(a, b, strict=True):
        observed[index[x], index[y]] += 1
    observed /= observed.sum()
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    i, j = np.indices((k, k))
    w = np.abs(i - j) if weights == "linear" else (i - j) ** 2
    denominator = float((w * expected).sum())
    if denominator == 0:
        return None
    return float(1 - (w * observed).sum() / denominator)


def gas_t_score(levels, weights=None, *, rho: float = 0.3) -> float | None:
    """Kiresuk and Sherman's Goal Attainment Scaling T-score:
    T = 50 + 10 · Σ wᵢxᵢ / √((1 − ρ) Σ wᵢ² + ρ (Σ wᵢ)²)."""
    x = np.asarray(levels, dtype=float)
    if len(x) == 0:
        return None
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    denominator = math.sqrt((1 - rho) * (w**2).sum() + rho * w.sum() ** 2)
    return float(50 + 10 * (w * x).sum() / denominator)


def mean_interval_of_sums(n: int, total: float, squares: float):
    """`mean_interval` from the count, sum and sum of squares of the values, as a database
    sums them."""
    if n < 2:
        return None
    mean = total / n
    variance = max((squares - total * total / n) / (n - 1), 0.0)
    half = float(stats.t.ppf(0.975, n - 1) * math.sqrt(variance / n))
    return mean, mean - half, mean + half
