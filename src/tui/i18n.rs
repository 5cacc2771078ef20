//! Interface language: English or Chinese, from `--lang` or `LANG`.
//!
//! Owns: the `Lang` choice and `t`, which picks one of two strings. Must
//! not: format numbers (money is printed the same in both).

/// The interface language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// 中文.
    Zh,
}

impl Lang {
    /// From `--lang`, else the `LANG` value (`zh_CN.UTF-8` → Chinese).
    pub fn pick(flag: Option<&str>, env_lang: Option<&str>) -> Lang {
        match flag.or(env_lang) {
            Some(v) if v.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }

    /// The English or the Chinese text.
    pub fn t(self, en: &'static str, zh: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}
