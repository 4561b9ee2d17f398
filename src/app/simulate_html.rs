//! `docket simulate --html FILE`: the simulation as one self-contained
//! page, drawn as the statistics page is (plotters to inline SVG through
//! [`crate::chart`]), each chart with a caption, an `aria-label` and its
//! data as a table; the retention advice as a chart and a table when asked
//! for. No script, no font or style from the network.

use std::fmt::Write as _;

use plotters::prelude::*;

use super::memory::Simulated;
use crate::chart::escape_html as escape;
use crate::chart::figure;
use crate::chart::svg;
use crate::chart::table;

const BAR: RGBColor = RGBColor(60, 110, 180);
const NEW: RGBColor = RGBColor(120, 190, 110);
const LINE: RGBColor = RGBColor(40, 120, 60);

/// Answers per day, reviews and new cards stacked.
fn workload_svg(s: &Simulated) -> String {
    let days = &s.simulation.days;
    let max = days
        .iter()
        .map(|d| d.reviews + d.new)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    svg(760, 300, |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(0f64..days.len().max(1) as f64, 0f64..max * 1.1)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc("day")
            .y_desc("answers")
            .x_label_formatter(&|x| format!("{}", *x as i64 + 1))
            .y_label_formatter(&|y| format!("{}", *y as i64))
            .draw()?;
        chart
            .draw_series(days.iter().enumerate().map(|(i, d)| {
                Rectangle::new(
                    [(i as f64, 0.0), (i as f64 + 0.9, d.reviews as f64)],
                    BAR.filled(),
                )
            }))?
            .label("reviews")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], BAR.filled()));
        chart
            .draw_series(days.iter().enumerate().map(|(i, d)| {
                Rectangle::new(
                    [
                        (i as f64, d.reviews as f64),
                        (i as f64 + 0.9, (d.reviews + d.new) as f64),
                    ],
                    NEW.filled(),
                )
            }))?
            .label("new cards")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], NEW.filled()));
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
        Ok(())
    })
}

/// Cards remembered, day by day.
fn remembered_svg(s: &Simulated) -> String {
    let days = &s.simulation.days;
    let max = days
        .iter()
        .map(|d| d.remembered as f64)
        .fold(0.0, f64::max)
        .max(1.0);
    svg(760, 300, |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d(0f64..days.len().max(1) as f64, 0f64..max * 1.1)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc("day")
            .y_desc("cards remembered")
            .x_label_formatter(&|x| format!("{}", *x as i64 + 1))
            .y_label_formatter(&|y| format!("{}", *y as i64))
            .draw()?;
        chart.draw_series(LineSeries::new(
            days.iter()
                .enumerate()
                .map(|(i, d)| (i as f64 + 0.5, d.remembered as f64)),
            LINE.stroke_width(2),
        ))?;
        Ok(())
    })
}

/// Remembered per hour of study against desired retention.
fn advice_svg(advice: &[crate::schedule::simulate::Advice]) -> String {
    let max = advice
        .iter()
        .map(|a| a.remembered_per_hour as f64)
        .fold(0.0, f64::max)
        .max(1.0);
    svg(760, 300, |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d(0.69f64..0.98f64, 0f64..max * 1.1)?;
        chart
            .configure_mesh()
            .x_desc("desired retention")
            .y_desc("cards remembered per hour")
            .x_label_formatter(&|x| format!("{x:.2}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw()?;
        chart.draw_series(LineSeries::new(
            advice
                .iter()
                .map(|a| (a.desired_retention as f64, a.remembered_per_hour as f64)),
            LINE.stroke_width(2),
        ))?;
        chart.draw_series(advice.iter().map(|a| {
            Circle::new(
                (a.desired_retention as f64, a.remembered_per_hour as f64),
                3,
                LINE.filled(),
            )
        }))?;
        Ok(())
    })
}

/// The whole page for a deck's simulation.
pub fn page(deck_title: &str, s: &Simulated) -> String {
    let sim = &s.simulation;
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>docket simulation</title><style>\
         body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}\
         table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.2em .6em;text-align:right}\
         th:first-child,td:first-child{text-align:left}figure{margin:1.5em 0}svg{max-width:100%;height:auto}\
         figcaption{font-size:.9em;color:#444}</style></head><body>\n",
    );
    let _ = writeln!(
        out,
        "<h1>Simulation: {}</h1><p>{} days at desired retention {:.2}, from {} card{} in review \
         and {} new: {} answers, {:.0} minutes in all; about {:.0} cards remembered at the end.</p>",
        escape(deck_title),
        sim.days.len(),
        sim.desired_retention,
        s.existing,
        if s.existing == 1 { "" } else { "s" },
        s.new_cards,
        sim.total_answers,
        sim.total_minutes,
        sim.remembered_at_end
    );
    let peak = sim
        .days
        .iter()
        .map(|d| d.reviews + d.new)
        .max()
        .unwrap_or(0);
    let rows = || {
        sim.days.iter().map(|d| {
            vec![
                (d.day + 1).to_string(),
                d.reviews.to_string(),
                d.new.to_string(),
                format!("{:.1}", d.minutes),
                format!("{:.0}", d.remembered),
            ]
        })
    };
    let data = table(
        &["day", "reviews", "new cards", "minutes", "remembered"],
        rows(),
    );
    figure(
        &mut out,
        "Answers per day: reviews and new cards",
        &format!(
            "Bar chart of simulated answers per day over {} days, peak {peak}",
            sim.days.len()
        ),
        &workload_svg(s),
        &data,
    );
    figure(
        &mut out,
        "Cards remembered (if tested on all of them that day)",
        &format!(
            "Line chart of cards remembered over {} days, {:.0} at the end",
            sim.days.len(),
            sim.remembered_at_end
        ),
        &remembered_svg(s),
        &data,
    );
    if let Some(advice) = &s.advice {
        let best = advice
            .iter()
            .max_by(|a, b| a.remembered_per_hour.total_cmp(&b.remembered_per_hour));
        let data = table(
            &[
                "retention",
                "minutes",
                "answers",
                "remembered",
                "remembered per hour",
            ],
            advice.iter().map(|a| {
                vec![
                    format!("{:.2}", a.desired_retention),
                    format!("{:.0}", a.total_minutes),
                    a.total_answers.to_string(),
                    format!("{:.0}", a.remembered_at_end),
                    format!("{:.1}", a.remembered_per_hour),
                ]
            }),
        );
        out.push_str("<h2>Which retention?</h2>\n");
        figure(
            &mut out,
            "Workload against knowledge: cards remembered per hour of study (as Anki's \"help me decide\")",
            &format!(
                "Line chart of cards remembered per hour for desired retentions 0.70 to 0.97; most at {}",
                best.map_or("-".into(), |b| format!("{:.2}", b.desired_retention))
            ),
            &advice_svg(advice),
            &data,
        );
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::simulate::Day;
    use crate::schedule::simulate::Simulation;

    #[test]
    fn page_has_charts_captions_and_tables_and_escapes_the_title() {
        let days = (0..5)
            .map(|i| Day {
                day: i,
                reviews: i * 3,
                new: 2,
                minutes: 1.5,
                remembered: 10.0 + i as f32,
            })
            .collect();
        let s = Simulated {
            simulation: Simulation {
                desired_retention: 0.9,
                days,
                total_answers: 40,
                total_minutes: 7.5,
                remembered_at_end: 14.0,
            },
            advice: None,
            existing: 1,
            new_cards: 10,
        };
        let html = page("<b>deck</b>\u{1b}[31m", &s);
        assert!(html.contains("&lt;b&gt;deck&lt;/b&gt;"));
        assert!(!html.contains('\u{1b}'));
        assert_eq!(html.matches("<svg").count(), 2);
        assert_eq!(html.matches("aria-label=").count(), 2);
        assert!(html.contains("<figcaption>Answers per day"));
        assert!(html.contains("<td>5</td><td>12</td><td>2</td>"));
        assert!(!html.contains("<script"));
    }
}
