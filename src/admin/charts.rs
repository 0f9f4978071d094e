//! Bar charts drawn on the server as SVG (no charting script): one bar per week, its value
//! in each bar's tooltip and in the chart's text alternative. Only numbers and labels made
//! here go into the markup, each escaped.

use std::fmt::Write as _;

/// Width and height of the drawing, in SVG units (it scales to its container).
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 200.0;
/// Room for the labels under the bars.
const LABELS: f64 = 30.0;

/// One bar: its label (under it) and its value, with the value as people read it.
#[derive(Clone, Debug)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub shown: String,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An SVG bar chart titled `title` (its accessible name); bars scale to the largest value.
pub fn bar_chart(title: &str, bars: &[Bar]) -> String {
    let max = bars.iter().map(|bar| bar.value).fold(0.0_f64, f64::max);
    let slot = WIDTH / bars.len().max(1) as f64;
    let plot = HEIGHT - LABELS;
    let summary: Vec<String> = bars
        .iter()
        .map(|bar| format!("{}: {}", bar.label, bar.shown))
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}"><title>{}</title><desc>{}</desc>"#,
        escape(title),
        escape(title),
        escape(&summary.join("; "))
    );
    let _ = write!(
        svg,
        r#"<line x1="0" y1="{plot}" x2="{WIDTH}" y2="{plot}" stroke="currentColor" stroke-opacity="0.3"/>"#
    );
    for (index, bar) in bars.iter().enumerate() {
        let height = if max > 0.0 {
            (bar.value.max(0.0) / max) * (plot - 4.0)
        } else {
            0.0
        };
        let x = index as f64 * slot + slot * 0.15;
        let _ = write!(
            svg,
            r#"<rect class="chart__bar" x="{x:.1}" y="{:.1}" width="{:.1}" height="{height:.1}" fill="currentColor"><title>{}: {}</title></rect>"#,
            plot - height,
            slot * 0.7,
            escape(&bar.label),
            escape(&bar.shown)
        );
        // Every other label, the newest included: a phone's width has no room for twelve.
        if !(bars.len() - 1 - index).is_multiple_of(2) {
            continue;
        }
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="16" fill="currentColor">{}</text>"#,
            index as f64 * slot + slot / 2.0,
            HEIGHT - 8.0,
            escape(&bar.label)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_labels_are_escaped() {
        let bars = [
            Bar {
                label: "W1".into(),
                value: 5.0,
                shown: "5".into(),
            },
            Bar {
                label: "<W2>".into(),
                value: 10.0,
                shown: "€10".into(),
            },
        ];
        let svg = bar_chart("Sign-ups & more", &bars);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Sign-ups &amp; more"));
        assert!(svg.contains("&lt;W2&gt;: €10"));
        assert!(!svg.contains("<W2>"));
        assert!(
            svg.contains(r#"height="166.0""#),
            "the largest fills the plot"
        );
        assert!(svg.contains(r#"height="83.0""#), "half of it");
        // Nothing to draw: no division by zero.
        assert!(bar_chart("Empty", &[]).contains("</svg>"));
    }
}
