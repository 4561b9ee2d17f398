//! Reading Anki card templates: which field a card asks and which it
//! answers. `{{Front}}` names a field; `{{type:Back}}` a typed answer;
//! `{{cloze:Text}}` a cloze field; `{{#F}}…{{/F}}` sections and special
//! names such as `{{FrontSide}}` are not fields.

const SPECIAL: [&str; 8] = [
    "FrontSide",
    "Tags",
    "Deck",
    "Subdeck",
    "Card",
    "CardFlag",
    "Type",
    "CardID",
];

/// A field reference in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRef {
    /// The field's name.
    pub name: String,
    /// Its filters, outermost first (`type`, `cloze`, `text`, `hint`…).
    pub filters: Vec<String>,
}

/// The field references of a template, in order.
pub fn field_refs(template: &str) -> Vec<FieldRef> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(s) = rest.find("{{") {
        let after = &rest[s + 2..];
        let Some(e) = after.find("}}") else { break };
        let inner = after[..e].trim();
        rest = &after[e + 2..];
        if inner.starts_with(['#', '/', '^', '!']) {
            continue;
        }
        let mut parts: Vec<&str> = inner.split(':').map(str::trim).collect();
        let name = parts.pop().unwrap_or("").to_string();
        if name.is_empty() || SPECIAL.contains(&name.as_str()) {
            continue;
        }
        out.push(FieldRef {
            name,
            filters: parts.into_iter().map(str::to_string).collect(),
        });
    }
    out
}

/// For a normal (non-cloze) template: (question field, answer field).
/// The question is the first field asked without `type:`; the answer is the
/// typed field, else the first other field on the answer side.
pub fn question_and_answer(qfmt: &str, afmt: &str) -> Option<(String, String)> {
    let q = field_refs(qfmt);
    let question = q
        .iter()
        .find(|r| !r.filters.iter().any(|f| f == "type"))?
        .name
        .clone();
    let typed = q
        .iter()
        .chain(field_refs(afmt).iter())
        .find(|r| r.filters.iter().any(|f| f == "type"))
        .map(|r| r.name.clone());
    let answer = typed.or_else(|| {
        field_refs(afmt)
            .into_iter()
            .map(|r| r.name)
            .find(|n| *n != question)
    })?;
    Some((question, answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_templates() {
        let a = "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}";
        assert_eq!(
            question_and_answer("{{Front}}", a),
            Some(("Front".into(), "Back".into()))
        );
        assert_eq!(
            question_and_answer(
                "{{#Add Reverse}}{{Back}}{{/Add Reverse}}",
                "{{FrontSide}}<hr>{{Front}}"
            ),
            Some(("Back".into(), "Front".into()))
        );
        assert_eq!(
            question_and_answer(
                "{{Front}}\n\n{{type:Back}}",
                "{{Front}}<hr id=answer>{{type:Back}}"
            ),
            Some(("Front".into(), "Back".into()))
        );
        assert_eq!(field_refs("{{cloze:Text}}")[0].filters, ["cloze"]);
    }
}
