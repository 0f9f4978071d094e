//! CSV for the console's exports (RFC 4180: comma-separated, CRLF, fields quoted when they
//! hold a comma, quote or line break). A field that a spreadsheet would read as a formula
//! (starting with `=`, `+`, `-`, `@`, tab or carriage return) is prefixed with `'`, so that an
//! exported name cannot run in the admin's spreadsheet (OWASP: CSV injection).

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
