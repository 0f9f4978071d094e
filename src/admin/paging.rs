//! Pages of the console's lists: which page of what size ([`Page`], from the query string,
//! bounded), and what came back ([`Paged`]: the rows, the total, and the numbers the
//! pagination links need), the sort order ([`Direction`]) and the search pattern
//! ([`contains_pattern`]). Door-neutral: the JSON API could page the same way.

/// The page sizes an admin may choose; anything else is the default.
pub const SIZES: [i64; 4] = [10, 25, 50, 100];
pub const DEFAULT_SIZE: i64 = 25;
/// Pages beyond this are refused (an OFFSET that large is a scan; filter instead).
pub const MAX_PAGE: i64 = 10_000;

/// A page number (from 1) and a size (one of [`SIZES`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub number: i64,
    pub size: i64,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            number: 1,
            size: DEFAULT_SIZE,
        }
    }
}

impl Page {
    /// The page asked for, kept within bounds: a bad number is page 1, a bad size the default.
    pub fn parse(number: Option<&str>, size: Option<&str>) -> Page {
        let number = number
            .and_then(|n| n.trim().parse::<i64>().ok())
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .unwrap_or(1);
        let size = size
            .and_then(|n| n.trim().parse::<i64>().ok())
            .filter(|n| SIZES.contains(n))
            .unwrap_or(DEFAULT_SIZE);
        Page { number, size }
    }

    pub fn limit(&self) -> i64 {
        self.size
    }

    pub fn offset(&self) -> i64 {
        (self.number - 1) * self.size
    }
}

/// A page of rows and where it sits in the whole list.
#[derive(Clone, Debug)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub total: i64,
    pub page: Page,
}

impl<T> Paged<T> {
    pub fn new(rows: Vec<T>, total: i64, page: Page) -> Self {
        Paged { rows, total, page }
    }

    pub fn pages(&self) -> i64 {
        let size = self.page.size;
        (self.total / size + i64::from(self.total % size != 0)).max(1)
    }

    pub fn previous(&self) -> Option<i64> {
        (self.page.number > 1).then(|| (self.page.number - 1).min(self.pages()))
    }

    pub fn next(&self) -> Option<i64> {
        (self.page.number < self.pages()).then_some(self.page.number + 1)
    }

    /// 1-based position of the first row shown (0 when none).
    pub fn first_shown(&self) -> i64 {
        if self.rows.is_empty() {
            0
        } else {
            self.page.offset() + 1
        }
    }

    pub fn last_shown(&self) -> i64 {
        self.page.offset() + self.rows.len() as i64
    }
}

/// Orders a boxed Diesel query by `column` in a [`Direction`], then by `id` the same way, so
/// that rows with equal values keep one order and pages neither repeat nor skip a row. Without
/// a `column`, by `id` alone. (A macro: each column is a type of its own.)
macro_rules! ordered {
    ($query:expr, $direction:expr, $id:expr) => {
        match $direction {
            $crate::admin::paging::Direction::Asc => $query.order($id.asc()),
            $crate::admin::paging::Direction::Desc => $query.order($id.desc()),
        }
    };
    ($query:expr, $direction:expr, $column:expr, $id:expr) => {
        match $direction {
            $crate::admin::paging::Direction::Asc => $query.order(($column.asc(), $id.asc())),
            $crate::admin::paging::Direction::Desc => $query.order(($column.desc(), $id.desc())),
        }
    };
}
pub(crate) use ordered;

/// The order of a sorted list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Direction {
    Asc,
    #[default]
    Desc,
}

impl Direction {
    pub fn parse(text: &str) -> Option<Direction> {
        match text {
            "asc" => Some(Direction::Asc),
            "desc" => Some(Direction::Desc),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Asc => "asc",
            Direction::Desc => "desc",
        }
    }

    pub fn flipped(self) -> Direction {
        match self {
            Direction::Asc => Direction::Desc,
            Direction::Desc => Direction::Asc,
        }
    }
}

/// `%text%` for LIKE, with LIKE's own characters taken literally.
pub fn contains_pattern(text: &str) -> String {
    format!("%{}%", literal_pattern(text))
}

/// `text` for LIKE, matching itself only (LIKE's own characters escaped).
pub fn literal_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_stay_in_bounds() {
        assert_eq!(Page::parse(None, None), Page::default());
        assert_eq!(Page::parse(Some("0"), Some("7")), Page::default());
        assert_eq!(Page::parse(Some("-3"), Some("100000")), Page::default());
        assert_eq!(
            Page::parse(Some("3"), Some("50")),
            Page {
                number: 3,
                size: 50
            }
        );
        let paged = Paged::new(vec![1, 2], 52, Page::parse(Some("3"), Some("25")));
        assert_eq!(paged.pages(), 3);
        assert_eq!(paged.previous(), Some(2));
        assert_eq!(paged.next(), None);
        assert_eq!((paged.first_shown(), paged.last_shown()), (51, 52));
    }

    #[test]
    fn like_characters_are_searched_for_literally() {
        assert_eq!(contains_pattern("a_b%c\\"), "%a\\_b\\%c\\\\%");
    }
}
