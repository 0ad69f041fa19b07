"""The label-free mixture behind the adapted default score, on synthetic z's with known parameters."""

import numpy as np
import pytest

from yunshao.ocds.screens_mixture import fit_mixture, pattern_groups

R = np.array([[1.0, 0.6, -0.2], [0.6, 1.0, 0.1], [-0.2, 0.1, 1.0]])
SHIFT = np.array([2.0, -1.0, 1.5])  # the second screen moves "the wrong way", as cv under partial rings


def planted(size=4000, share=0.4, seed=0, covariance=R, base=np.zeros(3)):
    rng = np.random.default_rng(seed)
    collusive = rng.random(size) < share
    z = rng.multivariate_normal(np.zeros(3), covariance, size) + np.where(collusive[:, None], SHIFT, base)
    return z, collusive


def groups_for(z):
    return pattern_groups(z, np.full(len(z), 6.0), lambda n: R)


def test_pinned_em_recovers_the_shift_and_share_and_keeps_the_reference_at_zero():
    z, collusive = planted()
    fit = fit_mixture(z, groups_for(z), np.full(len(z), 0.5), model="pinned")
    assert fit.converged
    np.testing.assert_allclose(fit.mean, SHIFT, atol=0.1)
    assert fit.share == pytest.approx(collusive.mean(), abs=0.03)
    assert np.array_equal(fit.base, np.zeros(3))


def test_missing_screens_are_marginalised():
    z, collusive = planted(seed=1)
    z[::2, 2] = np.nan  # half the tenders lack the third screen
    groups = groups_for(z)
    assert sorted(len(g.observed) for g in groups) == [2, 3]
    fit = fit_mixture(z, groups, np.full(len(z), 0.5), model="pinned")
    np.testing.assert_allclose(fit.mean, SHIFT, atol=0.12)
    assert fit.share == pytest.approx(collusive.mean(), abs=0.03)
    assert np.isfinite(fit.log_odds).all()


def test_full_em_with_free_means_and_shared_covariance_recovers_them():
    shared = np.diag([0.5, 0.8, 0.6])
    base = np.array([-1.0, 0.5, 0.0])  # honest tenders away from the reference (its level is a guess)
    z, collusive = planted(seed=2, share=0.7, covariance=shared, base=base)
    start = 1 / (1 + np.exp(-(z - base) @ (SHIFT - base)))
    fit = fit_mixture(z, groups_for(z), start, model="adapted", max_iter=500)
    np.testing.assert_allclose(fit.mean, SHIFT, atol=0.1)
    np.testing.assert_allclose(fit.base, base, atol=0.1)
    assert fit.share == pytest.approx(collusive.mean(), abs=0.03)
    assert fit.covariance is not None
    np.testing.assert_allclose(fit.covariance, shared, atol=0.08)


def test_one_step_from_known_labels_gives_the_class_means():
    z, collusive = planted(seed=3)
    fit = fit_mixture(z, groups_for(z), collusive.astype(float), model="adapted", max_iter=1)
    assert fit.iterations == 1
    np.testing.assert_allclose(fit.mean, z[collusive].mean(axis=0), atol=1e-4)
    np.testing.assert_allclose(fit.base, z[~collusive].mean(axis=0), atol=1e-4)
    # the log odds rank the planted tenders first (a linear discriminant on the learnt covariance)
    assert np.mean(fit.log_odds[collusive] > np.median(fit.log_odds)) > 0.85


def test_rows_without_screens_get_no_score_and_unknown_models_are_refused():
    z, _ = planted(size=200, seed=4)
    z[:5] = np.nan
    fit = fit_mixture(z, groups_for(z), np.full(len(z), 0.5), model="pinned")
    assert np.isnan(fit.log_odds[:5]).all() and np.isfinite(fit.log_odds[5:]).all()
    with pytest.raises(ValueError, match="unknown mixture model"):
        fit_mixture(z, groups_for(z), np.full(len(z), 0.5), model="kmeans")
