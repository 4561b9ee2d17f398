//! Just enough of the protobuf wire format to read the fields docket
//! needs from Anki's schema-18 blobs: a note type's kind (normal or cloze),
//! a card template's question and answer formats, a deck's preset and a
//! preset's FSRS parameters.

/// The value of one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field<'a> {
    /// A varint.
    Varint(u64),
    /// Length-delimited bytes (strings, nested messages).
    Bytes(&'a [u8]),
}

fn varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*pos)?;
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// The top-level fields of a message, in order; `None` when it is malformed.
pub fn fields(buf: &[u8]) -> Option<Vec<(u64, Field<'_>)>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let key = varint(buf, &mut pos)?;
        let (num, wire) = (key >> 3, key & 7);
        let f = match wire {
            0 => Field::Varint(varint(buf, &mut pos)?),
            1 => {
                pos = pos.checked_add(8).filter(|p| *p <= buf.len())?;
                continue;
            }
            2 => {
                let len = usize::try_from(varint(buf, &mut pos)?).ok()?;
                let end = pos.checked_add(len).filter(|e| *e <= buf.len())?;
                let b = &buf[pos..end];
                pos = end;
                Field::Bytes(b)
            }
            5 => {
                pos = pos.checked_add(4).filter(|p| *p <= buf.len())?;
                continue;
            }
            _ => return None,
        };
        out.push((num, f));
    }
    Some(out)
}

/// The string in field `num`, if present and UTF-8.
pub fn string(buf: &[u8], num: u64) -> Option<String> {
    fields(buf)?.into_iter().find_map(|(n, f)| match f {
        Field::Bytes(b) if n == num => std::str::from_utf8(b).ok().map(str::to_string),
        _ => None,
    })
}

/// The varint in field `num`, or 0 (protobuf's default) when absent.
pub fn varint_field(buf: &[u8], num: u64) -> Option<u64> {
    Some(
        fields(buf)?
            .into_iter()
            .find_map(|(n, f)| match f {
                Field::Varint(v) if n == num => Some(v),
                _ => None,
            })
            .unwrap_or(0),
    )
}

/// The packed repeated floats in field `num` (proto3 packs them, as Anki
/// writes them); empty when absent, `None` when malformed.
pub fn packed_floats(buf: &[u8], num: u64) -> Option<Vec<f32>> {
    let bytes = fields(buf)?.into_iter().find_map(|(n, f)| match f {
        Field::Bytes(b) if n == num => Some(b),
        _ => None,
    });
    let Some(bytes) = bytes else {
        return Some(Vec::new());
    };
    if bytes.len() % 4 != 0 {
        return None;
    }
    Some(
        bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

/// The nested message in field `num`, if present.
pub fn message(buf: &[u8], num: u64) -> Option<&[u8]> {
    fields(buf)?.into_iter().find_map(|(n, f)| match f {
        Field::Bytes(b) if n == num => Some(b),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strings_and_varints_and_refuses_garbage() {
        // Template config as Anki stores it: 1 = question, 2 = answer, 8 = an id.
        let buf = b"\n\t{{Front}}\x12\x08{{Back}}@\x85\x86\x01";
        assert_eq!(string(buf, 1).as_deref(), Some("{{Front}}"));
        assert_eq!(string(buf, 2).as_deref(), Some("{{Back}}"));
        assert_eq!(varint_field(b"\x08\x01", 1), Some(1));
        assert_eq!(varint_field(b"", 1), Some(0));
        assert_eq!(fields(b"\n\xff"), None);
        assert_eq!(fields(b"\x0f"), None);
        // Field 6, packed floats 1.5 and -2.
        let floats = b"\x32\x08\x00\x00\xc0\x3f\x00\x00\x00\xc0";
        assert_eq!(packed_floats(floats, 6), Some(vec![1.5, -2.0]));
        assert_eq!(packed_floats(floats, 5), Some(vec![]));
        assert_eq!(packed_floats(b"\x32\x03\x00\x00\x00", 6), None);
        assert_eq!(message(b"\x0a\x02\x08\x01", 1), Some(&b"\x08\x01"[..]));
    }
}
