//! `docket stats --html FILE`: the statistics as one self-contained page.
//! Charts are drawn by `plotters` to inline SVG (axes, ticks, legends),
//! each with a caption, an `aria-label` and its data as a table (the text
//! alternative); no script, no font or style from the network.

use std::fmt::Write as _;
use std::path::Path;

use plotters::prelude::*;

use super::AppError;
use super::AppResult;
use super::stats::FullStats;
use super::stats::Histogram as Hist;
use super::stats::Ratio;
use crate::chart::figure;
use crate::chart::svg;
use crate::chart::table;

const LEARNING: RGBColor = RGBColor(214, 69, 65);
const YOUNG: RGBColor = RGBColor(120, 190, 110);
const MATURE: RGBColor = RGBColor(40, 120, 60);
const BAR: RGBColor = RGBColor(60, 110, 180);

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    crate::chart::escape_html(s)
}

fn forecast_svg(s: &FullStats) -> String {
    let max = s
        .forecast
        .iter()
        .map(|f| f.total())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    svg(760, 300, |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(0f64..s.forecast.len() as f64, 0f64..max * 1.1)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc("days from today")
            .y_desc("cards due")
            .x_label_formatter(&|x| format!("{}", *x as i64))
            .y_label_formatter(&|y| format!("{}", *y as i64))
            .draw()?;
        for (name, colour, part) in [
            ("learning", LEARNING, 0usize),
            ("young", YOUNG, 1),
            ("mature", MATURE, 2),
        ] {
            chart
                .draw_series(s.forecast.iter().enumerate().map(move |(i, f)| {
                    let parts = [f.learning, f.young, f.mature];
                    let base: u32 = parts[..part].iter().sum();
                    let top = base + parts[part];
                    Rectangle::new(
                        [(i as f64 + 0.1, base as f64), (i as f64 + 0.9, top as f64)],
                        colour.filled(),
                    )
                }))?
                .label(name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
        Ok(())
    })
}

fn calendar_svg(s: &FullStats) -> String {
    use chrono::Datelike;
    let first = s
        .calendar
        .first()
        .and_then(|d| chrono::NaiveDate::parse_from_str(&d.date, "%Y-%m-%d").ok())
        .unwrap_or_default();
    let lead = first.weekday().num_days_from_monday() as usize;
    let weeks = (lead + s.calendar.len()).div_ceil(7);
    let max = s
        .calendar
        .iter()
        .map(|d| d.answers)
        .max()
        .unwrap_or(0)
        .max(1);
    let shades = [
        RGBColor(235, 237, 240),
        RGBColor(198, 228, 139),
        RGBColor(123, 201, 111),
        RGBColor(35, 154, 59),
        RGBColor(25, 97, 39),
    ];
    let level = |n: u32| match n {
        0 => 0,
        n if n * 4 <= max => 1,
        n if n * 2 <= max => 2,
        n if n * 4 <= max * 3 => 3,
        _ => 4,
    };
    svg(900, 210, |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(28)
            .y_label_area_size(40)
            .build_cartesian_2d(0f64..weeks as f64, 7f64..0f64)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(12)
            .y_labels(7)
            .x_desc("week")
            .x_label_formatter(&|w| {
                let day = first + chrono::TimeDelta::days((*w as i64) * 7 - lead as i64);
                day.format("%b %Y").to_string()
            })
            .y_label_formatter(&|d| {
                ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                    .get(*d as usize)
                    .map_or(String::new(), |s| s.to_string())
            })
            .draw()?;
        for (lv, &colour) in shades.iter().enumerate() {
            let label = match lv {
                0 => "no answers".to_string(),
                1 => format!("up to {}", max / 4),
                2 => format!("up to {}", max / 2),
                3 => format!("up to {}", max * 3 / 4),
                _ => format!("up to {max}"),
            };
            chart
                .draw_series(
                    s.calendar
                        .iter()
                        .enumerate()
                        .filter(|(_, d)| level(d.answers) == lv)
                        .map(move |(i, _)| {
                            let at = lead + i;
                            let (w, d) = ((at / 7) as f64, (at % 7) as f64);
                            Rectangle::new(
                                [(w + 0.1, d + 0.1), (w + 0.9, d + 0.9)],
                                colour.filled(),
                            )
                        }),
                )?
                .label(label)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
        Ok(())
    })
}

fn bars_svg(title: &str, x_desc: &str, edges: &[f64], counts: &[u32]) -> String {
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let (lo, hi) = (
        edges.first().copied().unwrap_or(0.0),
        edges.last().copied().unwrap_or(1.0),
    );
    let title = title.to_string();
    svg(520, 260, |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(lo..hi, 0f64..max * 1.1)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc(x_desc)
            .y_desc("count")
            .y_label_formatter(&|y| format!("{}", *y as i64))
            .draw()?;
        chart
            .draw_series(counts.iter().enumerate().map(|(i, &n)| {
                let w = edges[i + 1] - edges[i];
                Rectangle::new(
                    [
                        (edges[i] + w * 0.05, 0.0),
                        (edges[i + 1] - w * 0.05, n as f64),
                    ],
                    BAR.filled(),
                )
            }))?
            .label(title)
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], BAR.filled()));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .border_style(BLACK)
            .draw()?;
        root.present()?;
        Ok(())
    })
}

fn share(r: &Ratio) -> String {
    r.share().map_or("–".into(), |p| {
        format!("{:.1}% of {}", p * 100.0, r.total)
    })
}

fn hist_figure(out: &mut String, h: &Hist, digits: usize) {
    let rows = h.counts.iter().enumerate().map(|(i, n)| {
        vec![
            format!("{:.digits$}–{:.digits$}", h.edges[i], h.edges[i + 1]),
            n.to_string(),
        ]
    });
    let total: u32 = h.counts.iter().sum();
    let alt = format!(
        "Bar chart of {} for {total} cards{}",
        h.label,
        h.mean
            .map_or(String::new(), |m| format!(", mean {m:.digits$}"))
    );
    figure(
        out,
        &alt,
        &alt,
        &bars_svg(h.label, h.label, &h.edges, &h.counts),
        &table(&[h.label, "cards"], rows),
    );
}

fn deck_section(out: &mut String, s: &FullStats) {
    let c = &s.cards;
    let _ = writeln!(
        out,
        "<section><h2>{} <small>({})</small></h2>",
        escape(&s.title),
        escape(&s.deck)
    );
    out.push_str(&table(
        &[
            "cards",
            "new",
            "learning",
            "young",
            "mature",
            "relearning",
            "suspended",
            "buried",
        ],
        [vec![
            c.total.to_string(),
            c.new.to_string(),
            c.learning.to_string(),
            c.young.to_string(),
            c.mature.to_string(),
            c.relearning.to_string(),
            c.suspended.to_string(),
            c.buried.to_string(),
        ]],
    ));
    let t = &s.today;
    let _ = writeln!(
        out,
        "<p>Due today: {} ({} learning, {} review, {} new). Today: {} cards, {} answers in {} s, {} again, {} new learned.</p>",
        s.due_today.total(),
        s.due_today.learning,
        s.due_today.review,
        s.due_today.new,
        t.cards,
        t.answers,
        t.time_ms / 1000,
        t.again,
        t.new_learned
    );
    out.push_str("<h3>True retention</h3>");
    out.push_str(&table(
        &["period", "young", "mature", "all"],
        s.retention.iter().map(|r| {
            vec![
                r.period.to_string(),
                share(&r.young),
                share(&r.mature),
                share(&r.all),
            ]
        }),
    ));
    let due: u32 = s.forecast.iter().map(|f| f.total()).sum();
    figure(
        out,
        "Forecast: cards due per day for the next 30 days, stacked by learning, young and mature",
        &format!("Stacked bar chart of cards due per day for 30 days; {due} cards in all"),
        &forecast_svg(s),
        &table(
            &["date", "learning", "young", "mature"],
            s.forecast.iter().map(|f| {
                vec![
                    f.date.clone(),
                    f.learning.to_string(),
                    f.young.to_string(),
                    f.mature.to_string(),
                ]
            }),
        ),
    );
    let answers: u32 = s.calendar.iter().map(|d| d.answers).sum();
    let active = s.calendar.iter().filter(|d| d.answers > 0).count();
    figure(
        out,
        "Review calendar: answers per day over the past year",
        &format!(
            "Heatmap of answers per day over the past year: {answers} answers on {active} days"
        ),
        &calendar_svg(s),
        &table(
            &["date", "answers"],
            s.calendar
                .iter()
                .filter(|d| d.answers > 0)
                .map(|d| vec![d.date.clone(), d.answers.to_string()]),
        ),
    );
    hist_figure(out, &s.stability, 0);
    hist_figure(out, &s.difficulty, 1);
    hist_figure(out, &s.retrievability, 2);
    let a = &s.answer_time;
    let edges: Vec<f64> = (0..=61).map(|x| x as f64).collect();
    let mut counts = vec![0u32; 61];
    for &(secs, n) in &a.seconds {
        if let Some(c) = counts.get_mut(secs as usize) {
            *c += n;
        }
    }
    let alt = format!(
        "Bar chart of answer times in seconds: {} answers{}{}",
        a.answers,
        a.mean_secs
            .map_or(String::new(), |m| format!(", mean {m:.1} s")),
        a.median_secs
            .map_or(String::new(), |m| format!(", median {m} s"))
    );
    figure(
        out,
        &alt,
        &alt,
        &bars_svg("answers", "seconds (60: a minute or more)", &edges, &counts),
        &table(
            &["seconds", "answers"],
            a.seconds
                .iter()
                .map(|(s, n)| vec![s.to_string(), n.to_string()]),
        ),
    );
    out.push_str("</section>\n");
}

/// The whole page.
pub fn page(decks: &[FullStats]) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>docket statistics</title><style>\
         body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}\
         table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.2em .6em;text-align:right}\
         th:first-child,td:first-child{text-align:left}figure{margin:1.5em 0}svg{max-width:100%;height:auto}\
         figcaption{font-size:.9em;color:#444}</style></head><body><h1>docket statistics</h1>\n",
    );
    if let Some(first) = decks.first() {
        let at = crate::clock::Now::parse(&first.at).map_or(first.at.clone(), |n| n.local());
        let _ = writeln!(out, "<p>Computed {}.</p>", escape(&at));
    }
    for s in decks {
        deck_section(&mut out, s);
    }
    out.push_str("</body></html>\n");
    out
}

/// Writes the page, whole or not at all (a temporary file renamed).
pub fn write(path: &Path, page: &str) -> AppResult<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let fail = |e: &dyn std::fmt::Display| {
        AppError::Failed(format!(
            "cannot write {}: {e}",
            crate::sanitize::clean(&path.display().to_string())
        ))
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
    std::io::Write::write_all(&mut tmp, page.as_bytes()).map_err(|e| fail(&e))?;
    // A page to share, not a secret: readable like any file written here.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|e| fail(&e))?;
    }
    tmp.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}
