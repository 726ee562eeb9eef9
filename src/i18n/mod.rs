//! The page's two languages, English and Simplified Chinese, and every text the UI shows in both.
//!
//! [`Text`] is one variant per UI string, generated with its English and Chinese wording side by
//! side in [`table`](self), so a string without a translation does not compile. Sentences with
//! numbers or names in them carry numbered placeholders (`{0} of {1} checks`), filled by
//! [`Lang::fill`]; a test checks every entry uses the same placeholders in both languages.
//! [`Bilingual`] holds the same pair for text kept as data elsewhere (the lessons).
//!
//! MQTT packet names (PUBLISH, PUBACK, …), normative ids and protocol field names stay English
//! in both: they are the spec's names.

mod table;

use std::fmt::Display;

pub use table::Text;

/// A language the page can be shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// Both, in the order the language switch offers them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The language for a browser language tag (`navigator.language`): Chinese for any `zh`
    /// tag, English otherwise.
    pub fn from_browser(tag: &str) -> Lang {
        if tag
            .get(..2)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("zh"))
        {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The short code the choice is stored under.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The language with this stored code.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.code() == code)
    }

    /// The BCP 47 tag for `<html lang>`, so fonts and screen readers pick the right script.
    pub fn html_tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-Hans",
        }
    }

    /// The language's own name, as the switch shows it whatever the page's language is.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "中文",
        }
    }

    /// `text` in this language.
    pub fn text(self, text: Text) -> &'static str {
        text.wording(self)
    }

    /// `text` in this language with its placeholders `{0}`, `{1}`, … replaced by `args`.
    pub fn fill(self, text: Text, args: &[&dyn Display]) -> String {
        fill(self.text(text), args)
    }
}

/// A text given in both languages, for wording kept as data outside [`Text`] (the lessons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bilingual {
    /// English.
    pub en: &'static str,
    /// Simplified Chinese.
    pub zh: &'static str,
}

impl Bilingual {
    /// The wording in `lang`.
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

/// `template` with each `{n}` replaced by `args[n]`; a placeholder without an argument stays as
/// written, so a mistake shows on the page instead of panicking.
fn fill(template: &str, args: &[&dyn Display]) -> String {
    let mut filled = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        filled.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let argument = after.find('}').and_then(|close| {
            let index: usize = after[..close].parse().ok()?;
            Some((args.get(index)?, close))
        });
        match argument {
            Some((argument, close)) => {
                filled.push_str(&argument.to_string());
                rest = &after[close + 1..];
            }
            None => {
                filled.push('{');
                rest = after;
            }
        }
    }
    filled.push_str(rest);
    filled
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The placeholder numbers a template uses, sorted, each once.
    fn placeholders(template: &str) -> Vec<usize> {
        let mut found: Vec<usize> = template
            .split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}')?.0.parse().ok())
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    #[test]
    fn every_text_uses_the_same_placeholders_in_both_languages() {
        for text in Text::ALL {
            assert_eq!(
                placeholders(Lang::En.text(*text)),
                placeholders(Lang::Zh.text(*text)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn every_text_has_wording_in_both_languages() {
        for text in Text::ALL {
            assert!(!Lang::En.text(*text).trim().is_empty(), "{text:?}");
            assert!(!Lang::Zh.text(*text).trim().is_empty(), "{text:?}");
        }
    }

    #[test]
    fn fill_replaces_numbered_placeholders_in_any_order() {
        assert_eq!(fill("{1} of {0}", &[&9, &"three"]), "three of 9");
        assert_eq!(
            Lang::En.fill(Text::CheckProgress, &[&3, &86]),
            "3 of 86 checks"
        );
    }

    #[test]
    fn fill_leaves_braces_without_an_argument_as_written() {
        assert_eq!(fill("{x} {0} {1}", &[&1]), "{x} 1 {1}");
        assert_eq!(fill("{", &[]), "{");
    }

    #[test]
    fn browser_languages_starting_with_zh_choose_chinese() {
        for tag in ["zh", "zh-CN", "zh-TW", "ZH-hans"] {
            assert_eq!(Lang::from_browser(tag), Lang::Zh, "{tag}");
        }
        for tag in ["en-US", "de", "", "z"] {
            assert_eq!(Lang::from_browser(tag), Lang::En, "{tag}");
        }
    }

    #[test]
    fn a_stored_code_gives_its_language_back() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::Zh.html_tag(), "zh-Hans");
    }
}
