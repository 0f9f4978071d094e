//! The orders results can come in (`sort=`).

/// Result orders (`sort=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best rated first (the default).
    #[default]
    Rating,
    PriceAsc,
    PriceDesc,
    Newest,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Rating, Sort::PriceAsc, Sort::PriceDesc, Sort::Newest];

    pub fn parse(raw: &str) -> Option<Sort> {
        Sort::ALL
            .into_iter()
            .find(|sort| sort.param() == raw.trim())
    }

    pub fn param(&self) -> &'static str {
        match self {
            Sort::Rating => "rating",
            Sort::PriceAsc => "price_asc",
            Sort::PriceDesc => "price_desc",
            Sort::Newest => "newest",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Sort::Rating => "Top rated",
            Sort::PriceAsc => "Price: low to high",
            Sort::PriceDesc => "Price: high to low",
            Sort::Newest => "Newest",
        }
    }
}
