"""Each statistic against an independent computation on fixed data, and on data generated
with a known effect that it must find."""

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from fremdrift.reports import stats

BASELINE = [3, 4, 2, 5, 3, 4, 6, 2, 3, 5]
FOLLOWUP = [5, 4, 4, 6, 3, 6, 7, 3, 5, 6]


def test_paired_change_matches_scipy():
    result = stats.paired_change(BASELINE, FOLLOWUP)
    t = scipy_stats.ttest_rel(FOLLOWUP, BASELINE)
    interval = t.confidence_interval(0.95)
    assert result.n == 10
    assert result.mean_change == pytest.approx(1.2)
    assert (result.ci_low, result.ci_high) == pytest.approx((interval.low, interval.high))
    diffs = np.subtract(FOLLOWUP, BASELINE)
    assert result.effect_size == pytest.approx(diffs.mean() / diffs.std(ddof=1))
    # scipy drops the zero differences with zero_method="wilcox"; so does the report.
    expected = scipy_stats.wilcoxon(diffs[diffs != 0]).pvalue
    assert result.wilcoxon_p == pytest.approx(expected)
    assert (result.up, result.same, result.down) == (8, 2, 0)


def test_cronbach_alpha_by_hand():
    # Four citizens, three items that move together: item variances 2/3 each (sum 2),
    # totals 6, 9, 12, 9 with variance 6, so α = 3/2 · (1 − 2/6) = 1.
    scores = [[1, 2, 3], [2, 3, 4], [3, 4, 5], [2, 3, 4]]
    item_vars = [np.var(c, ddof=1) for c in zip(*scores, strict=True)]
    assert item_vars == pytest.approx([2 / 3, 2 / 3, 2 / 3])
    assert stats.cronbach_alpha(scores) == pytest.approx(1.0)
    scores = [[1, 2, 3], [2, 1, 4], [3, 4, 3], [2, 3, 2]]
    # Item variances 2/3, 5/3, 2/3 (sum 3); totals 6, 7, 10, 7 have variance 3; α = 1.5·0 = 0.
    assert stats.cronbach_alpha(scores) == pytest.approx(0.0)


def test_reliable_change_index_by_hand():
    # SE = SD · √(1 − r) = 1 and S_diff = √2 ≈ 1.414: a change of 3 (RCI 2.12) is reliable,
    # 2 (1.41) and 0 are not, −3 is reliably worse.
    base = [10, 14, 10, 14]  # SD = √(16/3)
    follow = [13, 16, 7, 14]
    r = 1 - 3 / 16  # SE = √(16/3) · √(3/16) = 1
    result = stats.reliable_change(base, follow, reliability=r)
    assert result.standard_error_of_difference == pytest.approx(math.sqrt(2))
    assert (result.improved, result.unchanged, result.worse) == (1, 2, 1)


def test_weighted_kappa_against_agreement_weights():
    # Linear weighted kappa equals (Po − Pe) / (1 − Pe) with agreement weights
    # 1 − |i − j| / (k − 1): an independent way to the same number.
    a = [1, 2, 3, 4, 5, 3, 2, 4, 1, 5, 3, 3]
    b = [1, 3, 3, 4, 4, 2, 2, 5, 2, 5, 3, 4]
    cats = [1, 2, 3, 4, 5]
    k = len(cats)
    table = np.zeros((k, k))
    for x, y in zip(a, b, strict=True):
        table[x - 1, y - 1] += 1
    table /= table.sum()
    agree = 1 - np.abs(np.subtract.outer(range(k), range(k))) / (k - 1)
    po = (agree * table).sum()
    pe = (agree * np.outer(table.sum(1), table.sum(0))).sum()
    assert stats.weighted_kappa(a, b, cats) == pytest.approx((po - pe) / (1 - pe))
    assert stats.weighted_kappa(a, a, cats) == pytest.approx(1.0)


def test_weighted_kappa_published_example():
    # Cohen's (1968) unweighted kappa is the special case of identity disagreement weights on
    # two categories; the classic 2×2 example (Cohen 1960: 50 raters' agreement table
    # 20/5/10/15) has κ = 0.4.
    a = [0] * 25 + [1] * 25
    b = [0] * 20 + [1] * 5 + [0] * 10 + [1] * 15
    assert stats.weighted_kappa(a, b, [0, 1]) == pytest.approx(0.4)


def test_gas_t_score():
    assert stats.gas_t_score([0, 0, 0]) == pytest.approx(50)
    # Three goals at +1, equal weights, ρ = 0.3: 50 + 10·3/√(0.7·3 + 0.3·9) = 63.69...
    assert stats.gas_t_score([1, 1, 1]) == pytest.approx(50 + 30 / math.sqrt(4.8))
    assert stats.gas_t_score([2], weights=[3]) == pytest.approx(70)


def test_a_known_effect_is_found_and_no_effect_is_not():
    rng = np.random.default_rng(7)
    baseline = rng.integers(2, 7, size=200).astype(float)
    improved = np.clip(baseline + rng.normal(1.0, 1.0, size=200).round(), 1, 10)
    found = stats.paired_change(baseline, improved)
    assert found.ci_low > 0.5 and found.wilcoxon_p < 0.001
    noise = np.clip(baseline + rng.normal(0, 1.0, size=200).round(), 1, 10)
    null = stats.paired_change(baseline, noise)
    assert null.ci_low < 0 < null.ci_high


def test_wilson_interval():
    p, low, high = stats.proportion_interval(8, 10)
    assert p == 0.8
    # Wilson interval for 8/10 (e.g. Newcombe 1998, method 3): 0.490 to 0.943.
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)
