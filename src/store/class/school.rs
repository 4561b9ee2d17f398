//! A school's reports, computed in PostgreSQL from the answer rows the
//! class store keeps (one row per student and item): a teacher's classes
//! over every term, one item's statistics over every class that used it,
//! and the term report. Nothing is loaded answer by answer: each report is
//! one aggregate query, so a term of ten million answers costs the
//! database a scan and this process a few thousand rows.
//!
//! The item statistics are those of `quiz::item_analysis` (CLASSROOM.md
//! §1.2, marks 0 or 1, divisor S−1), with x the item's mark and T the
//! sitting's total: facility = 100·mean(x), SD = 100·sd(x), discrimination
//! index = 100·r(x, T − x), point-biserial = 100·r(x, T). The database
//! returns, per item, the sums they are made of (n, Σx, ΣT, ΣT², ΣxT:
//! integer sums, the fastest aggregates it has, and exact), and
//! [`figures_from_sums`] finishes them in exact integer arithmetic; `None`
//! where a variable does not vary, as `quiz::stats` returns.
//! Every query names the teacher it is for; `None` is the whole school
//! (its administrator, who holds the database's address anyway).

use serde::Serialize;

use super::ClassResult;
use super::PgOptions;
use super::postgres::Db;

/// A school's database.
#[derive(Clone)]
pub struct School {
    db: Db,
}

/// One of a teacher's classes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassSummary {
    /// The term.
    pub term: String,
    /// The class's name.
    pub class: String,
    /// Students who joined.
    pub students: i64,
    /// Sittings handed in.
    pub submitted: i64,
    /// Items on the form.
    pub items: i64,
    /// Mean score of the handed-in sittings, %.
    pub mean_score: Option<f64>,
}

/// Statistics of one item over a set of handed-in sittings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemFigures {
    /// Sittings counted.
    pub n: i64,
    /// Facility index, %.
    pub facility: Option<f64>,
    /// Standard deviation of the marks, %.
    pub sd: Option<f64>,
    /// Discrimination index (item against the rest of the sitting), %.
    pub discrimination_index: Option<f64>,
    /// Point-biserial (item against the whole sitting), %.
    pub point_biserial: Option<f64>,
}

/// An item in a class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemInClass {
    /// The class's teacher.
    pub teacher: String,
    /// The term.
    pub term: String,
    /// The class.
    pub class: String,
    /// Its figures there.
    pub figures: ItemFigures,
}

/// One item over every class that used it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemAcross {
    /// The deck's id.
    pub deck_id: String,
    /// The card's id.
    pub card_id: String,
    /// Every class, by term and name.
    pub classes: Vec<ItemInClass>,
    /// All of them together.
    pub overall: ItemFigures,
}

/// An item of a term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermItem {
    /// The deck's id.
    pub deck_id: String,
    /// The card's id.
    pub card_id: String,
    /// Classes whose form had it.
    pub classes: i64,
    /// Its figures over the term.
    pub figures: ItemFigures,
}

/// The term report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermReport {
    /// The term.
    pub term: String,
    /// The teacher it is limited to (`None`: the whole school).
    pub teacher: Option<String>,
    /// Classes in it.
    pub classes: i64,
    /// Sittings handed in.
    pub sittings: i64,
    /// Answers counted.
    pub answers: i64,
    /// Mean score, %.
    pub mean_score: Option<f64>,
    /// Standard deviation of the scores, %.
    pub sd_score: Option<f64>,
    /// Every item answered in the term, by deck and card.
    pub items: Vec<TermItem>,
}

/// The aggregate columns every item query ends with: n, Σx, ΣT, ΣT²,
/// ΣxT over answers `a` joined to their students `s` (ΣT² as float8: it
/// is integral and far below 2⁵³, and float8's sum is cheaper than
/// numeric's).
const FIGURES: &str = "count(*)::bigint,
    coalesce(sum(a.correct::int), 0)::bigint,
    coalesce(sum(s.score), 0)::bigint,
    coalesce(sum(s.score::float8 * s.score), 0)::float8,
    coalesce(sum(CASE WHEN a.correct THEN s.score ELSE 0 END), 0)::bigint";

fn figures(row: &tokio_postgres::Row, from: usize) -> ItemFigures {
    figures_from_sums(
        row.get(from),
        row.get(from + 1),
        row.get(from + 2),
        row.get(from + 3),
        row.get(from + 4),
    )
}

/// An item's figures from the sums over its n sittings: Σx (right
/// answers), ΣT (the sittings' totals), ΣT², ΣxT. With x² = x, every
/// centred sum n·S(u, v) = n·Σuv − Σu·Σv is an integer, computed exactly.
pub fn figures_from_sums(n: i64, sx: i64, st: i64, stt: f64, sxt: i64) -> ItemFigures {
    let none = ItemFigures {
        n,
        facility: None,
        sd: None,
        discrimination_index: None,
        point_biserial: None,
    };
    if n <= 0 {
        return none;
    }
    let (n1, sx, st, sxt) = (
        i128::from(n),
        i128::from(sx),
        i128::from(st),
        i128::from(sxt),
    );
    // Integral by construction (a sum of squares of integers below 2⁵³).
    let stt = stt.round() as i128;
    let cxx = n1 * sx - sx * sx;
    let cxt = n1 * sxt - sx * st;
    let ctt = n1 * stt - st * st;
    // The rest of the sitting, R = T − x.
    let cxr = cxt - cxx;
    let crr = ctt - 2 * cxt + cxx;
    let r = |c: i128, a: i128, b: i128| {
        (a > 0 && b > 0).then(|| 100.0 * c as f64 / ((a as f64) * (b as f64)).sqrt())
    };
    ItemFigures {
        n,
        facility: Some(100.0 * sx as f64 / n as f64),
        sd: (n > 1).then(|| 100.0 * (cxx as f64 / (n as f64 * (n - 1) as f64)).sqrt()),
        discrimination_index: if n > 1 { r(cxr, cxx, crr) } else { None },
        point_biserial: if n > 1 { r(cxt, cxx, ctt) } else { None },
    }
}

impl School {
    /// Connects and brings the schema up to date.
    pub fn connect(url: &str, options: &PgOptions) -> ClassResult<School> {
        Ok(School {
            db: Db::connect(url, options)?,
        })
    }

    /// The school in a connected database.
    pub fn from_db(db: Db) -> School {
        School { db }
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// `teacher`'s classes over every term (only theirs).
    pub fn classes(&self, teacher: &str) -> ClassResult<Vec<ClassSummary>> {
        let teacher = teacher.to_owned();
        self.db.run(move |c| {
            let teacher = teacher.clone();
            async move {
                let rows = c
                    .query(
                        "SELECT r.name, c.name,
                            (SELECT count(*) FROM students s WHERE s.class_id = c.id),
                            (SELECT count(*) FROM students s WHERE s.class_id = c.id AND s.submitted),
                            n.items,
                            (SELECT 100 * avg(s.score::float8 / nullif(n.items, 0))
                               FROM students s WHERE s.class_id = c.id AND s.submitted)
                         FROM classes c
                         JOIN teachers t ON t.id = c.teacher_id
                         JOIN terms r ON r.id = c.term_id
                         CROSS JOIN LATERAL (SELECT count(*) AS items FROM class_items ci
                                             WHERE ci.class_id = c.id) n
                         WHERE t.name = $1
                         ORDER BY r.name, c.name",
                        &[&teacher],
                    )
                    .await?;
                Ok(rows
                    .iter()
                    .map(|r| ClassSummary {
                        term: r.get(0),
                        class: r.get(1),
                        students: r.get(2),
                        submitted: r.get(3),
                        items: r.get(4),
                        mean_score: r.get(5),
                    })
                    .collect())
            }
        })
    }

    /// One item's figures in every class that used it (only `teacher`'s,
    /// or the whole school's), and over all of them.
    pub fn item(
        &self,
        teacher: Option<&str>,
        deck_id: &str,
        card_id: &str,
    ) -> ClassResult<ItemAcross> {
        let (teacher, deck, card) = (
            teacher.map(str::to_owned),
            deck_id.to_owned(),
            card_id.to_owned(),
        );
        let (classes, overall) = self.db.run(move |c| {
            let (teacher, deck, card) = (teacher.clone(), deck.clone(), card.clone());
            async move {
                let from = "FROM answers a
                     JOIN items i ON i.id = a.item_id
                     JOIN students s ON s.class_id = a.class_id AND s.id = a.student_id
                     JOIN classes c ON c.id = a.class_id
                     JOIN teachers t ON t.id = c.teacher_id
                     JOIN terms r ON r.id = c.term_id
                     WHERE i.deck_id = $1 AND i.card_id = $2 AND s.submitted
                       AND ($3::text IS NULL OR t.name = $3)";
                let per_class = c
                    .query(
                        &format!(
                            "SELECT t.name, r.name, c.name, {FIGURES} {from}
                             GROUP BY t.name, r.name, c.name ORDER BY r.name, c.name, t.name"
                        ),
                        &[&deck, &card, &teacher],
                    )
                    .await?;
                let all = c
                    .query_one(
                        &format!("SELECT {FIGURES} {from}"),
                        &[&deck, &card, &teacher],
                    )
                    .await?;
                Ok((
                    per_class
                        .iter()
                        .map(|r| ItemInClass {
                            teacher: r.get(0),
                            term: r.get(1),
                            class: r.get(2),
                            figures: figures(r, 3),
                        })
                        .collect(),
                    figures(&all, 0),
                ))
            }
        })?;
        Ok(ItemAcross {
            deck_id: deck_id.to_owned(),
            card_id: card_id.to_owned(),
            classes,
            overall,
        })
    }

    /// The term report: every handed-in sitting of `term` (only
    /// `teacher`'s, or the whole school's), each item's figures over the
    /// sittings that had it. One pass over the term's answers, in the
    /// database.
    pub fn term_report(&self, term: &str, teacher: Option<&str>) -> ClassResult<TermReport> {
        let (term_s, teacher_s) = (term.to_owned(), teacher.map(str::to_owned));
        let (head, items) = self.db.run(move |c| {
            let (term, teacher) = (term_s.clone(), teacher_s.clone());
            async move {
                let scope = "FROM classes c
                     JOIN terms r ON r.id = c.term_id
                     LEFT JOIN teachers t ON t.id = c.teacher_id
                     WHERE r.name = $1 AND ($2::text IS NULL OR t.name = $2)";
                let head = c
                    .query_one(
                        &format!(
                            "WITH cl AS (SELECT c.id, (SELECT count(*) FROM class_items ci WHERE ci.class_id = c.id) AS items {scope}),
                                  sc AS (SELECT 100 * s.score::float8 / nullif(cl.items, 0) AS pct
                                         FROM students s JOIN cl ON cl.id = s.class_id WHERE s.submitted)
                             SELECT (SELECT count(*) FROM cl), count(*), avg(pct), stddev_samp(pct) FROM sc"
                        ),
                        &[&term, &teacher],
                    )
                    .await?;
                let items = c
                    .query(
                        &format!(
                            "WITH cl AS (SELECT c.id {scope}),
                                  agg AS (
                                    SELECT a.item_id, {FIGURES}
                                    FROM answers a
                                    JOIN students s ON s.class_id = a.class_id AND s.id = a.student_id
                                    WHERE a.class_id IN (SELECT id FROM cl) AND s.submitted
                                    GROUP BY a.item_id)
                             SELECT i.deck_id, i.card_id,
                                    (SELECT count(*) FROM class_items ci WHERE ci.item_id = agg.item_id
                                       AND ci.class_id IN (SELECT id FROM cl)),
                                    agg.*
                             FROM agg JOIN items i ON i.id = agg.item_id
                             ORDER BY i.deck_id, i.card_id"
                        ),
                        &[&term, &teacher],
                    )
                    .await?;
                let items: Vec<TermItem> = items
                    .iter()
                    .map(|r| TermItem {
                        deck_id: r.get(0),
                        card_id: r.get(1),
                        classes: r.get(2),
                        // Column 3 is agg.item_id.
                        figures: figures(r, 4),
                    })
                    .collect();
                Ok((
                    (
                        head.get::<_, i64>(0),
                        head.get::<_, i64>(1),
                        head.get::<_, Option<f64>>(2),
                        head.get::<_, Option<f64>>(3),
                    ),
                    items,
                ))
            }
        })?;
        let answers = items.iter().map(|i| i.figures.n).sum();
        Ok(TermReport {
            term: term.to_owned(),
            teacher: teacher.map(str::to_owned),
            classes: head.0,
            sittings: head.1,
            answers,
            mean_score: head.2,
            sd_score: head.3,
            items,
        })
    }
}
