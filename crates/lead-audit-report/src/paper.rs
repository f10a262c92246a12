//! Paper sizes for the PDF: Letter where it is the norm (the United States and Canada), A4
//! everywhere else.

use serde::{Deserialize, Serialize};

use crate::Lang;

/// A paper size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl Paper {
    /// Width and height in inches, as Chromium's `printToPDF` takes them.
    pub const fn inches(self) -> (f64, f64) {
        match self {
            Self::A4 => (8.27, 11.69),
            Self::Letter => (8.5, 11.0),
        }
    }

    /// The paper of a locale such as `en-US`, `en_CA.UTF-8` or `de-DE`: Letter for the United
    /// States and Canada, A4 otherwise (also when the locale names no country).
    pub fn for_locale(locale: &str) -> Self {
        let country = locale
            .split('.')
            .next()
            .unwrap_or_default()
            .split(['-', '_'])
            .nth(1)
            .map(str::to_ascii_uppercase);
        Self::for_region(country.as_deref())
    }

    /// The paper of a report in `lang` for a lead in `region`: Letter for English reports to
    /// the United States or Canada.
    pub fn for_lead(lang: Lang, region: Option<&str>) -> Self {
        match lang {
            Lang::En => Self::for_region(region),
            Lang::De => Self::A4,
        }
    }

    fn for_region(region: Option<&str>) -> Self {
        match region.map(|r| r.trim().to_ascii_uppercase()).as_deref() {
            Some("US" | "CA") => Self::Letter,
            _ => Self::A4,
        }
    }
}

impl std::str::FromStr for Paper {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "a4" => Ok(Self::A4),
            "letter" => Ok(Self::Letter),
            _ => Err(format!("unknown paper size `{s}` (a4 or letter)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_only_for_the_us_and_canada() {
        assert_eq!(Paper::for_locale("en-US"), Paper::Letter);
        assert_eq!(Paper::for_locale("en_CA.UTF-8"), Paper::Letter);
        assert_eq!(Paper::for_locale("en_GB.UTF-8"), Paper::A4);
        assert_eq!(Paper::for_locale("de-DE"), Paper::A4);
        assert_eq!(Paper::for_locale("C"), Paper::A4);
        assert_eq!(Paper::for_lead(Lang::En, Some("us")), Paper::Letter);
        assert_eq!(Paper::for_lead(Lang::De, Some("US")), Paper::A4);
        assert_eq!(Paper::for_lead(Lang::En, None), Paper::A4);
        assert_eq!("Letter".parse(), Ok(Paper::Letter));
        assert!("a5".parse::<Paper>().is_err());
    }
}
