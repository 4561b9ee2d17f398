//! `docket stats [DECK] [--json] [--html FILE]`: cards by state, today,
//! a 30-day forecast (bar chart), the past year's review calendar
//! (heatmap), true retention (young and mature), distributions of
//! stability, difficulty and retrievability, and answer times. `--json`
//! prints all of it as one object per deck; `--html` writes a
//! self-contained page with the same charts.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::args::StatsArgs;
use super::output;
use super::output::EXIT_OK;
use crate::app::Collection;
use crate::app::stats::FullStats;
use crate::app::stats::Histogram;
use crate::app::stats::Ratio;

/// Runs `docket stats`.
pub fn run(args: &StatsArgs) -> anyhow::Result<u8> {
    let paths: Vec<PathBuf> = args.deck.iter().cloned().collect();
    let (mut collection, decks) = match Collection::open_with_decks(&paths) {
        Ok(p) => p,
        Err(e) => return Ok(output::report("docket", &e)),
    };
    let mut all = Vec::new();
    for d in &decks {
        let deck = d.meta();
        let full = match collection.full_stats(deck) {
            Ok(p) => p,
            Err(e) => return Ok(output::report("docket", &e)),
        };
        if args.json {
            let mut v = serde_json::to_value(&full)?;
            // The flat fields of earlier versions stay for scripts.
            if let Some(o) = v.as_object_mut() {
                let c = &full.cards;
                let month = full.retention.iter().find(|r| r.period == "month");
                for (k, x) in [
                    ("new", c.new.into()),
                    ("learning", c.learning.into()),
                    ("review", (c.young + c.mature).into()),
                    ("relearning", c.relearning.into()),
                    ("suspended", c.suspended.into()),
                    ("reviews_30d", month.map_or(0, |m| m.all.total).into()),
                    (
                        "retention_30d",
                        serde_json::json!(month.and_then(|m| m.all.share())),
                    ),
                ] {
                    o.insert(k.to_string(), x);
                }
            }
            println!("{v}");
        } else if args.html.is_none() {
            print!("{}", text(&full));
            print!("{}", calibration_text(&full.calibration));
        }
        all.push(full);
    }
    if let Some(path) = &args.html {
        let page = crate::app::stats_html::page(&all);
        if let Err(e) = crate::app::stats_html::write(path, &page) {
            return Ok(output::report("docket stats", &e));
        }
        eprintln!(
            "wrote {}",
            crate::sanitize::clean(&path.display().to_string())
        );
    }
    Ok(EXIT_OK)
}

fn pct(r: &Ratio) -> String {
    match r.share() {
        Some(p) => format!("{:>5.1}% of {:<5}", p * 100.0, r.total),
        None => format!("{:>5} {:<8}", "-", ""),
    }
}

fn hms(ms: i64) -> String {
    let s = ms / 1000;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

const BLOCKS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A vertical bar chart, `height` rows, one column of `width` per value.
fn bars(out: &mut String, values: &[u32], height: usize, width: usize) {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let label = max.to_string().len();
    for row in (0..height).rev() {
        let axis = if row == height - 1 {
            format!("{max:>label$} ┤")
        } else if row == 0 {
            format!("{:>label$} ┤", 0)
        } else {
            format!("{:>label$} │", "")
        };
        out.push_str("  ");
        out.push_str(&axis);
        for &v in values {
            // Eighths of a row filled at this height.
            let filled = (v as u64 * (height as u64) * 8).div_ceil(max as u64) as i64;
            let here = (filled - row as i64 * 8).clamp(0, 8) as usize;
            let c = BLOCKS[if v > 0 && row == 0 { here.max(1) } else { here }];
            for _ in 0..width {
                out.push(c);
            }
        }
        out.push('\n');
    }
    let _ = write!(out, "  {:>label$} └", "");
    out.push_str(&"─".repeat(values.len() * width));
    out.push('\n');
}

fn histogram(out: &mut String, h: &Histogram, digits: usize) {
    let max = h.counts.iter().copied().max().unwrap_or(0).max(1);
    let _ = writeln!(
        out,
        "  {}{}",
        h.label,
        h.mean
            .map_or(String::new(), |m| format!(", mean {m:.digits$}"))
    );
    for (i, &n) in h.counts.iter().enumerate() {
        let bar = (n as usize * 40).div_ceil(max as usize);
        let _ = writeln!(
            out,
            "    {:>6.digits$}–{:<6.digits$} {:<40} {n}",
            h.edges[i],
            h.edges[i + 1],
            "█".repeat(bar)
        );
    }
}

/// The statistics as text for a terminal.
fn text(s: &FullStats) -> String {
    let mut o = String::new();
    let c = &s.cards;
    let _ = writeln!(o, "{} ({})", s.title, s.deck);
    let _ = writeln!(
        o,
        "  cards:      {} = {} new · {} learning · {} young · {} mature · {} relearning · {} suspended · {} buried",
        c.total, c.new, c.learning, c.young, c.mature, c.relearning, c.suspended, c.buried
    );
    let d = s.due_today;
    let _ = writeln!(
        o,
        "  due today:  {} ({} learning, {} review, {} new)",
        d.total(),
        d.learning,
        d.review,
        d.new
    );
    let t = &s.today;
    let _ = writeln!(
        o,
        "  today:      {} cards, {} answers in {}, {} again, {} new learned",
        t.cards,
        t.answers,
        hms(t.time_ms),
        t.again,
        t.new_learned
    );
    let a = &s.answer_time;
    let _ = writeln!(
        o,
        "  answer time (year): {} answers, {} in all{}{}",
        a.answers,
        hms(a.total_ms),
        a.mean_secs
            .map_or(String::new(), |m| format!(", mean {m:.1} s")),
        a.median_secs
            .map_or(String::new(), |m| format!(", median {m} s"))
    );
    let _ = writeln!(o, "\nTrue retention (reviews passed)");
    // Columns as wide as their widest cell: a year of a large log has
    // counts of seven digits and more.
    let cells: Vec<[String; 3]> = s
        .retention
        .iter()
        .map(|r| [pct(&r.young), pct(&r.mature), pct(&r.all)])
        .collect();
    let width = |i: usize| cells.iter().map(|c| c[i].len()).max().unwrap_or(0).max(16);
    let (w0, w1, w2) = (width(0), width(1), width(2));
    let _ = writeln!(
        o,
        "  {:<10} {:<w0$} {:<w1$} {:<w2$}",
        "", "young", "mature", "all"
    );
    for (r, [young, mature, all]) in s.retention.iter().zip(&cells) {
        let _ = writeln!(o, "  {:<10} {young:<w0$} {mature:<w1$} {all}", r.period);
    }
    let _ = writeln!(
        o,
        "\nForecast: cards due per day, next {} days (today includes overdue)",
        s.forecast.len()
    );
    let values: Vec<u32> = s.forecast.iter().map(|f| f.total()).collect();
    bars(&mut o, &values, 6, 2);
    let width = values.len() * 2;
    let label = values
        .iter()
        .copied()
        .max()
        .unwrap_or(0)
        .max(1)
        .to_string()
        .len();
    let mut days = " ".repeat(label + 4);
    let mut col = 0;
    while col < width {
        let text = if col == 0 {
            "today".to_string()
        } else {
            format!("+{}d", col / 2)
        };
        days.push_str(&text);
        let pad = 10usize.saturating_sub(text.len());
        days.push_str(&" ".repeat(pad));
        col += 10;
    }
    let _ = writeln!(o, "{}", days.trim_end());
    let _ = writeln!(
        o,
        "\nReview calendar, past year (each column a week, Monday on top)"
    );
    calendar(&mut o, s);
    let _ = writeln!(o, "\nDistributions");
    histogram(&mut o, &s.stability, 0);
    histogram(&mut o, &s.difficulty, 1);
    histogram(&mut o, &s.retrievability, 2);
    o.push('\n');
    o
}

/// A heatmap of answers per day: rows are weekdays, columns weeks.
fn calendar(o: &mut String, s: &FullStats) {
    let days = &s.calendar;
    let Some(first) = days
        .first()
        .and_then(|d| chrono::NaiveDate::parse_from_str(&d.date, "%Y-%m-%d").ok())
    else {
        return;
    };
    use chrono::Datelike;
    let lead = first.weekday().num_days_from_monday() as usize;
    let weeks = (lead + days.len()).div_ceil(7);
    let max = days.iter().map(|d| d.answers).max().unwrap_or(0);
    let shade = |n: u32| match n {
        0 => '·',
        n if n * 4 <= max => '░',
        n if n * 2 <= max => '▒',
        n if n * 4 <= max * 3 => '▓',
        _ => '█',
    };
    // Month names above the week where each month starts.
    let mut top = vec![' '; weeks];
    let mut last_month = 0;
    for (i, d) in days.iter().enumerate() {
        let Ok(date) = chrono::NaiveDate::parse_from_str(&d.date, "%Y-%m-%d") else {
            continue;
        };
        let week = (lead + i) / 7;
        if date.month() != last_month && date.day() <= 7 {
            last_month = date.month();
            let name = date.format("%b").to_string();
            for (k, ch) in name.chars().enumerate() {
                if let Some(slot) = top.get_mut(week + k) {
                    *slot = ch;
                }
            }
        }
    }
    let _ = writeln!(o, "      {}", top.iter().collect::<String>().trim_end());
    for (row, name) in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        .iter()
        .enumerate()
    {
        let mut line = format!("  {name} ");
        for w in 0..weeks {
            let i = (w * 7 + row).checked_sub(lead);
            line.push(match i.and_then(|i| days.get(i)) {
                Some(d) => shade(d.answers),
                None => ' ',
            });
        }
        let _ = writeln!(o, "{}", line.trim_end());
    }
    let total: u32 = days.iter().map(|d| d.answers).sum();
    let active = days.iter().filter(|d| d.answers > 0).count();
    let _ = writeln!(
        o,
        "  {total} answers on {active} days; · none, ░ ▒ ▓ █ up to {max} a day"
    );
}

/// Calibration in words: how well the predicted recall matched the
/// student's own answers, for the default parameters and those in use
/// (measured as srs-benchmark measures it), with a small chart.
fn calibration_text(c: &crate::app::memory::Calibrations) -> String {
    use std::fmt::Write as _;
    let mut s =
        String::from("\nCalibration (predicted recall against your answers; lower is better)\n");
    let mut line = |name: &str, k: &Option<crate::schedule::calibration::Calibration>| match k {
        Some(k) => {
            let _ = writeln!(
                s,
                "  {name:<18} log loss {:.4}  RMSE(bins) {:.2}%  AUC {}  ({} reviews)",
                k.log_loss,
                100.0 * k.rmse_bins,
                k.auc.map_or("—".into(), |a| format!("{a:.3}")),
                k.reviews
            );
        }
        None => {
            let _ = writeln!(s, "  {name:<18} no review a day or more after the last yet");
        }
    };
    line("default parameters", &c.default);
    if c.current.is_some() {
        line("your parameters", &c.current);
    }
    if let Some(k) = c.current.as_ref().or(c.default.as_ref()) {
        let _ = writeln!(s, "  predicted  actual  reviews");
        for b in &k.chart {
            let _ = writeln!(
                s,
                "  {:>8.0}% {:>6.0}% {:>8}",
                100.0 * b.predicted,
                100.0 * b.actual,
                b.count
            );
        }
    }
    s
}
