//! CSV for the console's exports and the host's earnings (RFC 4180: comma-separated, CRLF,
//! fields quoted when they hold a comma, quote or line break). A field that a spreadsheet would
//! read as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) is prefixed
//! with `'`, so that an exported name cannot run in the reader's spreadsheet (OWASP: CSV
//! injection).

/// Appends one record of `fields` to `out`.
pub fn write_record<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (index, field) in fields.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_field(out, field);
    }
    out.push_str("\r\n");
}

fn write_field(out: &mut String, field: &str) {
    let formula = field.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = formula || field.contains([',', '"', '\n', '\r']);
    if quoted {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for c in field.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quoted {
        out.push('"');
    }
}

/// Rows read per statement by the streamed exports.
pub const CHUNK: i64 = 1000;

/// A streamed CSV download named `filename`: the `header`, then the rows that `fetch(after,
/// CHUNK)` answers, chunk after chunk, each started after the `key` of the last row written
/// (`first` before the first). Each chunk takes a connection from the pool and gives it back,
/// so a slow download holds none between chunks, and memory stays one chunk whatever the size
/// of the list. An error after the status was sent ends the download short (and is logged).
pub fn download<T, F, Fut>(
    filename: &str,
    header: &[&str],
    first: i64,
    fetch: F,
    key: fn(&T) -> i64,
    record: fn(&mut String, &T),
) -> actix_web::HttpResponse
where
    T: 'static,
    F: Fn(i64, i64) -> Fut + 'static,
    Fut: std::future::Future<Output = crate::service::ServiceResult<Vec<T>>> + 'static,
{
    use actix_web::web::Bytes;
    use futures_util::{StreamExt, stream};

    let mut head = String::new();
    write_record(&mut head, header.iter().copied());
    let walk = (Some(first), fetch);
    let chunks = stream::unfold(walk, move |(after, fetch)| async move {
        let after = after?;
        match fetch(after, CHUNK).await {
            Err(error) => {
                tracing::error!(error = %error, "CSV export failed");
                Some((Err(error), (None, fetch)))
            }
            Ok(rows) if rows.is_empty() => None,
            Ok(rows) => {
                let mut out = String::with_capacity(rows.len() * 128);
                for row in &rows {
                    record(&mut out, row);
                }
                let next = if (rows.len() as i64) < CHUNK {
                    None
                } else {
                    rows.last().map(key)
                };
                Some((Ok(Bytes::from(out)), (next, fetch)))
            }
        }
    });
    let body = stream::once(async move { Ok(Bytes::from(head)) }).chain(chunks);
    attachment(filename).streaming(body)
}

/// A CSV download's response, named `filename`, before its body: saved, never cached.
pub fn attachment(filename: &str) -> actix_web::HttpResponseBuilder {
    let mut response = actix_web::HttpResponse::Ok();
    response
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header(("Cache-Control", "no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        let mut out = String::new();
        write_record(&mut out, ["1", "Ann, \"A\"", "=SUM(A1)", "two\nlines", ""]);
        assert_eq!(
            out,
            "1,\"Ann, \"\"A\"\"\",\"'=SUM(A1)\",\"two\nlines\",\r\n"
        );
    }
}
