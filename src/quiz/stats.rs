//! Sample statistics with the (S−1) divisor that Moodle's quiz report
//! uses. Every function returns `None` where the statistic is undefined
//! (too few values, no variation) rather than NaN.

/// Arithmetic mean.
pub fn mean(x: &[f64]) -> Option<f64> {
    if x.is_empty() {
        None
    } else {
        Some(x.iter().sum::<f64>() / x.len() as f64)
    }
}

/// Sample covariance, divisor (S−1).
pub fn covariance(x: &[f64], y: &[f64]) -> Option<f64> {
    let s = x.len();
    if s < 2 || y.len() != s {
        return None;
    }
    let (mx, my) = (mean(x)?, mean(y)?);
    let sum: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    Some(sum / (s - 1) as f64)
}

/// Sample variance, divisor (S−1).
pub fn variance(x: &[f64]) -> Option<f64> {
    covariance(x, x)
}

/// Pearson correlation; `None` when either variable does not vary.
pub fn correlation(x: &[f64], y: &[f64]) -> Option<f64> {
    let c = covariance(x, y)?;
    let d = (variance(x)? * variance(y)?).sqrt();
    if d > 0.0 { Some(c / d) } else { None }
}

/// Median: the middle value, or the mean of the two middle values.
pub fn median(x: &[f64]) -> Option<f64> {
    if x.is_empty() {
        return None;
    }
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    })
}

/// The largest covariance two variables with these values can have: both
/// sorted the same way (Moodle's C_max for discriminative efficiency).
pub fn max_covariance(x: &[f64], y: &[f64]) -> Option<f64> {
    let mut xs = x.to_vec();
    let mut ys = y.to_vec();
    xs.sort_by(f64::total_cmp);
    ys.sort_by(f64::total_cmp);
    covariance(&xs, &ys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_cases() {
        assert_eq!(mean(&[1.0, 2.0, 6.0]), Some(3.0));
        // deviations -2 -1 3: squares 4+1+9 = 14, / 2 = 7
        assert_eq!(variance(&[1.0, 2.0, 6.0]), Some(7.0));
        assert_eq!(variance(&[1.0]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0, 10.0]), Some(2.5));
        assert_eq!(correlation(&[1.0, 1.0], &[0.0, 1.0]), None);
        assert_eq!(correlation(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]), Some(1.0));
    }
}
